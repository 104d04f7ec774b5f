//! `vanban user add|passwd|disable|enable|token|list`: the accounts, from the machine.

use std::process::ExitCode;

use clap::Subcommand;
use vanban::auth::cli;
use vanban::auth::users::{AccountError, AccountView};
use vanban::config::Config;
use vanban::db::DbPool;

#[derive(Subcommand)]
pub enum UserCommand {
    /// Create an account (the password is read from standard input)
    Add {
        username: String,
        /// admin, officer (legal officer), approver or inspector
        #[arg(long)]
        role: String,
        /// Code of an administrative unit the account is limited to (repeatable; none: no limit)
        #[arg(long = "scope")]
        scope: Vec<String>,
        /// Display name (default: the user name)
        #[arg(long)]
        name: Option<String>,
        /// Read the password from the first line of standard input
        #[arg(long)]
        password_stdin: bool,
    },
    /// Set a new password (read from standard input); every session of the user ends
    Passwd {
        username: String,
        #[arg(long)]
        password_stdin: bool,
    },
    /// Disable an account: its sessions end at once, its API tokens stop working
    Disable { username: String },
    /// Enable a disabled account
    Enable { username: String },
    /// Create an API token for the account and print it once (for scripts; audited)
    Token {
        username: String,
        /// Name of the token, shown on the account page
        #[arg(long, default_value = "dòng lệnh")]
        name: String,
    },
    /// List the accounts
    List,
}

/// Runs the account command; a refusal is printed and gives status 1.
pub fn run(config: &Config, action: UserCommand) -> anyhow::Result<ExitCode> {
    let pool = super::pool(config)?;
    Ok(match user_command(&pool, config, action) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.is_user_error() => {
            eprintln!("lỗi: {e}");
            ExitCode::from(1)
        }
        Err(e) => return Err(e.into()),
    })
}

/// The password of `--password-stdin`, which is required: never from the command line.
fn password(given: bool) -> Result<String, AccountError> {
    if !given {
        return Err(AccountError::Refused(
            "Cần --password-stdin: mật khẩu được đọc từ đầu vào chuẩn, không từ dòng lệnh.".into(),
        ));
    }
    cli::read_password(&mut std::io::stdin().lock())
}

fn user_command(pool: &DbPool, config: &Config, action: UserCommand) -> Result<(), AccountError> {
    match action {
        UserCommand::Add {
            username,
            role,
            scope,
            name,
            password_stdin,
        } => {
            let pw = password(password_stdin)?;
            cli::add(pool, &username, &role, &scope, name.as_deref(), &pw)?;
            println!("Đã tạo tài khoản {}.", username.trim().to_lowercase());
        }
        UserCommand::Passwd {
            username,
            password_stdin,
        } => {
            let pw = password(password_stdin)?;
            cli::passwd(pool, &username, &pw)?;
            println!("Đã đổi mật khẩu; các phiên đăng nhập của tài khoản đã kết thúc và mọi mã truy cập API đã bị thu hồi.");
        }
        UserCommand::Disable { username } => {
            cli::set_disabled(pool, &username, true)?;
            println!("Đã khoá tài khoản; các phiên đăng nhập của tài khoản đã kết thúc và mọi mã truy cập API đã bị thu hồi.");
        }
        UserCommand::Enable { username } => {
            cli::set_disabled(pool, &username, false)?;
            println!("Đã mở khoá tài khoản.");
        }
        UserCommand::Token { username, name } => {
            // Only the token on standard output, so that scripts can capture it.
            let lifetime = config.accounts.token_lifetime;
            println!("{}", cli::token(pool, &username, &name, lifetime)?);
            eprintln!(
                "Mã truy cập chỉ hiển thị lần này, có hiệu lực {} ngày; thu hồi ở trang Tài khoản.",
                lifetime.num_days()
            );
        }
        UserCommand::List => print_list(&cli::list(pool)?),
    }
    Ok(())
}

fn print_list(accounts: &[AccountView]) {
    println!(
        "{:<20} {:<10} {:<12} {:<24} họ tên",
        "tên đăng nhập", "vai trò", "trạng thái", "phạm vi"
    );
    for a in accounts {
        let scope: Vec<&str> = a.scope.iter().map(|s| s.code.as_str()).collect();
        println!(
            "{:<20} {:<10} {:<12} {:<24} {}",
            a.username,
            a.role,
            if a.disabled {
                "đã khoá"
            } else {
                "hoạt động"
            },
            if scope.is_empty() {
                "-".to_string()
            } else {
                scope.join(",")
            },
            a.display_name
        );
    }
}
