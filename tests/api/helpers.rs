//! Test harness: a fresh database per test on SQLite (always) and PostgreSQL (when
//! `VANBAN_TEST_POSTGRES_URL` names a server; under `CI=true` its absence is a failure).

use std::sync::atomic::{AtomicUsize, Ordering};

use actix_web::test;
use diesel::Connection;
use vanban::db::DbPool;
use vanban::exchange::import::{self, ImportReport};

pub struct TestApp {
    pub search: std::sync::Arc<vanban::search::service::SearchService>,
    pub pool: DbPool,
    pub url: String,
    pub dir: tempfile::TempDir,
    /// PostgreSQL databases made for this test besides its own (restores), dropped with it.
    scratch: std::sync::Mutex<Vec<String>>,
}

/// Drops a test database on the PostgreSQL server, closing what is still connected to it
/// (best effort: a test server left with databases is untidy, not wrong).
fn drop_pg_database(url: &str) {
    let (Ok(admin), Some((_, name))) = (
        std::env::var("VANBAN_TEST_POSTGRES_URL"),
        url.rsplit_once('/'),
    ) else {
        return;
    };
    if let Ok(mut c) = diesel::pg::PgConnection::establish(&admin) {
        let _ = diesel::RunQueryDsl::execute(
            diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")),
            &mut c,
        );
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if self.url.starts_with("postgres") {
            drop_pg_database(&self.url);
        }
        if let Ok(scratch) = self.scratch.lock() {
            for url in scratch.iter() {
                drop_pg_database(url);
            }
        }
    }
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// Server errors are logged; show them in the output of a failing test.
fn init_logs() {
    let _ = tracing_subscriber::fmt()
        .with_test_writer()
        .with_env_filter("error")
        .try_init();
}

fn search_service() -> anyhow::Result<std::sync::Arc<vanban::search::service::SearchService>> {
    let clock: vanban::search::service::Clock = std::sync::Arc::new(vanban::clock::today);
    Ok(std::sync::Arc::new(
        vanban::search::service::SearchService::in_memory(clock)?,
    ))
}

impl TestApp {
    /// The app as served, with the search index caught up with the database.
    pub async fn state(&self) -> vanban::app::AppState {
        self.search
            .catch_up(&self.pool)
            .unwrap_or_else(|e| panic!("indexer: {e}"));
        vanban::app::AppState::new(
            self.pool.clone(),
            Some(self.search.clone()),
            vanban::config::SEARCH_CACHE_ENTRIES,
        )
    }
}

impl TestApp {
    pub fn sqlite() -> anyhow::Result<TestApp> {
        init_logs();
        let dir = tempfile::tempdir()?;
        let url = format!("sqlite://{}", dir.path().join("test.sqlite3").display());
        let pool = DbPool::connect(&url, 4)?;
        pool.migrate()?;
        Ok(TestApp {
            search: search_service()?,
            pool,
            url,
            dir,
            scratch: Default::default(),
        })
    }

    /// A new empty database on the test PostgreSQL server, or `None` (with a visible notice)
    /// when none is configured outside CI.
    pub fn postgres() -> anyhow::Result<Option<TestApp>> {
        let Ok(admin) = std::env::var("VANBAN_TEST_POSTGRES_URL") else {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                anyhow::bail!("CI=true but VANBAN_TEST_POSTGRES_URL is not set: PostgreSQL tests cannot be skipped in CI");
            }
            eprintln!(
                "SKIPPED (PostgreSQL): set VANBAN_TEST_POSTGRES_URL to run this test on PostgreSQL"
            );
            return Ok(None);
        };
        let name = format!(
            "vanban_test_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)?
                .subsec_nanos()
        );
        let mut admin_conn = diesel::pg::PgConnection::establish(&admin).map_err(|e| {
            anyhow::anyhow!("cannot reach PostgreSQL at VANBAN_TEST_POSTGRES_URL: {e}")
        })?;
        diesel::RunQueryDsl::execute(
            diesel::sql_query(format!("CREATE DATABASE {name}")),
            &mut admin_conn,
        )?;
        let url = match admin.rsplit_once('/') {
            Some((base, _)) => format!("{base}/{name}"),
            None => anyhow::bail!("VANBAN_TEST_POSTGRES_URL must end with /database"),
        };
        let pool = DbPool::connect(&url, 4)?;
        pool.migrate()?;
        Ok(Some(TestApp {
            search: search_service()?,
            pool,
            url,
            dir: tempfile::tempdir()?,
            scratch: Default::default(),
        }))
    }

    /// An empty database on the test PostgreSQL server (to restore into), dropped with the
    /// test.
    pub fn scratch_pg_database(&self) -> String {
        let admin = std::env::var("VANBAN_TEST_POSTGRES_URL").unwrap();
        let name = format!(
            "vanban_restore_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        );
        let mut c = diesel::pg::PgConnection::establish(&admin).unwrap();
        diesel::RunQueryDsl::execute(diesel::sql_query(format!("CREATE DATABASE {name}")), &mut c)
            .unwrap();
        let url = format!("{}/{name}", admin.rsplit_once('/').unwrap().0);
        self.scratch.lock().unwrap().push(url.clone());
        url
    }

    pub fn import_str(&self, name: &str, content: &str) -> anyhow::Result<ImportReport> {
        Ok(import::import_reader(
            &self.pool,
            name,
            content.as_bytes(),
            None,
        )?)
    }

    /// Imports lines that may differ from the stored records, replacing them (`--update`).
    pub fn import_update(&self, name: &str, content: &str) -> anyhow::Result<ImportReport> {
        Ok(import::import_reader_with(
            &self.pool,
            name,
            content.as_bytes(),
            None,
            import::ImportOptions { update: true },
        )?)
    }

    pub fn import_bytes(&self, name: &str, content: &[u8]) -> anyhow::Result<ImportReport> {
        Ok(import::import_reader(&self.pool, name, content, None)?)
    }

    pub fn export(&self) -> anyhow::Result<String> {
        let mut conn = self.pool.get()?;
        let mut out = Vec::new();
        vanban::exchange::export::export_jsonl(&mut conn.db(), &mut out)?;
        Ok(String::from_utf8(out)?)
    }

    pub fn count_documents(&self) -> anyhow::Result<i64> {
        let mut conn = self.pool.get()?;
        Ok(vanban::db::queries::count_documents(&mut conn.db())?)
    }

    /// GET `path`, following permanent redirects on this server (older addresses of
    /// documents lead to their ELI); returns status, content type and body.
    pub async fn get(&self, path: &str) -> (u16, String, String) {
        let app = test::init_service(vanban::vanban_app!(self.state().await)).await;
        let mut path = path.to_string();
        let mut resp =
            test::call_service(&app, test::TestRequest::get().uri(&path).to_request()).await;
        for _ in 0..3 {
            let next = resp
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok())
                .filter(|l| l.starts_with('/'))
                .map(str::to_string);
            match (resp.status().as_u16(), next) {
                (301, Some(l)) => {
                    path = l;
                    resp =
                        test::call_service(&app, test::TestRequest::get().uri(&path).to_request())
                            .await;
                }
                _ => break,
            }
        }
        let status = resp.status().as_u16();
        let ct = resp
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        let body = test::read_body(resp).await;
        (status, ct, String::from_utf8_lossy(&body).into_owned())
    }

    pub async fn get_json(&self, path: &str) -> (u16, serde_json::Value) {
        let (status, _, body) = self.get(path).await;
        (
            status,
            serde_json::from_str(&body).unwrap_or(serde_json::Value::Null),
        )
    }

    /// Runs the vanban binary against this database.
    pub fn cli(&self, args: &[&str]) -> std::process::Output {
        std::process::Command::new(env!("CARGO_BIN_EXE_vanban"))
            .args(args)
            .env("VANBAN_DATABASE_URL", &self.url)
            .env("RUST_LOG", "error")
            .output()
            .unwrap_or_else(|e| panic!("cannot run vanban: {e}"))
    }
}

/// Defines `mod $name { fn sqlite(); fn postgres(); }` running the same body on both backends.
#[macro_export]
macro_rules! db_test {
    ($name:ident, |$app:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[actix_web::test]
            async fn sqlite() -> anyhow::Result<()> {
                let $app = $crate::helpers::TestApp::sqlite()?;
                $body
            }

            #[actix_web::test]
            async fn postgres() -> anyhow::Result<()> {
                let Some($app) = $crate::helpers::TestApp::postgres()? else {
                    return Ok(());
                };
                $body
            }
        }
    };
}

/// A small registry with every kind of effect, used by several tests.
pub const FIXTURE: &str = r#"{"kind":"unit","code":"96","name":"Tỉnh Cà Mau","level":"tinh"}
{"kind":"unit","code":"95","name":"Tỉnh Bạc Liêu","level":"tinh","valid_to":"2025-06-30"}
{"kind":"unit","code":"970","name":"Huyện Đầm Dơi","level":"huyen","parent":"96","valid_to":"2025-06-30"}
{"kind":"unit","code":"32200","name":"Xã Đầm Dơi","level":"xa","parent":"96","valid_from":"2025-07-01"}
{"kind":"succession","predecessor":"95","successor":"96","on":"2025-07-01"}
{"kind":"succession","predecessor":"970","successor":"32200","on":"2025-07-01"}
{"kind":"authority","code":"HDND-96","name":"Hội đồng nhân dân tỉnh Cà Mau","type":"hdnd","unit":"96"}
{"kind":"authority","code":"UBND-96","name":"Ủy ban nhân dân tỉnh Cà Mau","type":"ubnd","unit":"96"}
{"kind":"authority","code":"HDND-95","name":"Hội đồng nhân dân tỉnh Bạc Liêu","type":"hdnd","unit":"95"}
{"kind":"authority","code":"UBND-970","name":"Ủy ban nhân dân huyện Đầm Dơi","type":"ubnd","unit":"970"}
{"kind":"authority","code":"UBND-32200","name":"Ủy ban nhân dân xã Đầm Dơi","type":"ubnd","unit":"32200"}
{"kind":"document","authority":"HDND-96","type":"Nghị quyết","number":"15/2018/NQ-HĐND","title":"Quy định mức hỗ trợ nuôi tôm","fields":["Thủy sản"],"signer":"Trần Văn Hiện","signer_position":"Chủ tịch","issued_on":"2018-12-07","effective_on":"2018-12-17","text":"Căn cứ Luật Tổ chức chính quyền địa phương;\nĐiều 1. Phạm vi điều chỉnh\nNghị quyết này quy định mức hỗ trợ.\nĐiều 2. Mức hỗ trợ\n1. Hỗ trợ 50% chi phí con giống.\n2. Hỗ trợ lãi suất:\na) Vay dưới 12 tháng;\nb) Vay trên 12 tháng.\nĐiều 3. Tổ chức thực hiện\nGiao Ủy ban nhân dân tỉnh tổ chức thực hiện."}
{"kind":"document","authority":"UBND-96","type":"Quyết định","number":"20/2019/QĐ-UBND","title":"Hướng dẫn thực hiện Nghị quyết 15/2018/NQ-HĐND","issued_on":"2019-03-01","effective_on":"2019-03-15","text":"Điều 1. Hướng dẫn\nHướng dẫn chi tiết.\nĐiều 2. Hiệu lực\nCó hiệu lực từ ngày 15/3/2019."}
{"kind":"document","authority":"HDND-96","type":"Nghị quyết","number":"08/2020/NQ-HĐND","title":"Sửa đổi khoản 1 Điều 2 Nghị quyết 15/2018/NQ-HĐND","issued_on":"2020-07-10","effective_on":"2020-07-20","text":"Điều 1. Sửa đổi khoản 1 Điều 2\nHỗ trợ 60% chi phí con giống."}
{"kind":"document","authority":"HDND-96","type":"Nghị quyết","number":"05/2022/NQ-HĐND","title":"Thay thế Nghị quyết 15/2018/NQ-HĐND","issued_on":"2022-07-01","effective_on":"2022-07-15","text":"Điều 1. Mức hỗ trợ mới\nHỗ trợ 70% chi phí."}
{"kind":"document","authority":"HDND-95","type":"Nghị quyết","number":"03/2019/NQ-HĐND","title":"Quy định phí tham quan di tích","issued_on":"2019-05-02","effective_on":"2019-05-15","end_on":"2020-12-31","text":"Điều 1. Mức thu\nMức thu 10.000 đồng."}
{"kind":"document","authority":"UBND-970","type":"Quyết định","number":"12/2021/QĐ-UBND","title":"Quy chế bộ phận một cửa huyện Đầm Dơi","issued_on":"2021-02-01","effective_on":"2021-02-10","text":"Điều 1. Phạm vi\nQuy chế này áp dụng cho bộ phận một cửa.\nĐiều 2. Thời gian làm việc\nTừ thứ Hai đến thứ Sáu."}
{"kind":"effect","acting":{"authority":"UBND-96","number":"20/2019/QĐ-UBND"},"target":{"authority":"HDND-96","number":"15/2018/NQ-HĐND"},"type":"implements","effective_on":"2019-03-15"}
{"kind":"effect","acting":{"authority":"HDND-96","number":"08/2020/NQ-HĐND"},"target":{"authority":"HDND-96","number":"15/2018/NQ-HĐND"},"type":"amend","provisions":["khoản 1 Điều 2"],"effective_on":"2020-07-20"}
{"kind":"effect","acting":{"authority":"HDND-96","number":"05/2022/NQ-HĐND"},"target":{"authority":"HDND-96","number":"15/2018/NQ-HĐND"},"type":"replace","effective_on":"2022-07-15"}
"#;
