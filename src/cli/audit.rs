//! `vanban audit verify [--checkpoint N:HASH]…` and `vanban audit checkpoint`.

use std::process::ExitCode;

use clap::Subcommand;
use vanban::audit::{Audit, Checkpoint};
use vanban::config::Config;

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Recompute the hash chain from the first entry, check the triggers that protect it
    /// against the migrations, and each checkpoint given; exit 1 naming every problem
    Verify {
        /// A checkpoint recorded earlier (`vanban audit checkpoint`, or `checkpoint` of
        /// /api/v1/audit/checkpoint): entry N must still have HASH, and the trail reach N
        #[arg(long = "checkpoint", value_name = "N:HASH")]
        checkpoints: Vec<Checkpoint>,
    },
    /// Print the latest sequence number and head hash as N:HASH (record it elsewhere to prove
    /// later, with `audit verify --checkpoint N:HASH`, that nothing up to it changed or was cut)
    Checkpoint,
}

pub fn run(config: &Config, command: AuditCommand) -> anyhow::Result<ExitCode> {
    let pool = super::pool(config)?;
    let mut conn = pool.get()?;
    match command {
        AuditCommand::Verify { checkpoints } => {
            let a = vanban::audit::audit(&mut conn.db(), &checkpoints)?;
            Ok(print_audit(&a))
        }
        AuditCommand::Checkpoint => {
            let (seq, hash) = vanban::audit::head(&mut conn.db())?;
            println!("{}", Checkpoint { seq, hash });
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `vanban audit verify`: one line per check, one line per problem; status 1 if any.
fn print_audit(a: &Audit) -> ExitCode {
    let v = &a.chain;
    if v.broken.is_none() {
        println!(
            "nhật ký kiểm toán nguyên vẹn: {} mục, mục cuối số {} (mã băm {})",
            v.entries, v.head_seq, v.head_hash
        );
    }
    for p in &a.problems {
        println!("{p}");
    }
    if v.broken.is_some() {
        println!(
            "{} mục đầu tiên nguyên vẹn (đến số {}, mã băm {})",
            v.entries, v.head_seq, v.head_hash
        );
    }
    println!(
        "bảo vệ của cơ sở dữ liệu: {} trigger/hàm đúng như migration",
        a.guards_ok
    );
    for cp in &a.checkpoints_ok {
        println!(
            "điểm kiểm tra {cp}: khớp (không mục nào đến số {} bị thay đổi hay cắt bỏ)",
            cp.seq
        );
    }
    if !a.intact() {
        println!(
            "kết quả: nhật ký kiểm toán KHÔNG đáng tin ({} vấn đề)",
            a.problems.len()
        );
    }
    super::status(a.intact())
}
