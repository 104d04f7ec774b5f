//! Where citizens go and whom they write to at a unit: the one-stop office (Bộ phận tiếp nhận
//! và trả kết quả, Bộ phận Một cửa — Nghị định 61/2018/NĐ-CP, Điều 12) with its address,
//! opening hours, phone and email, and the address that takes feedback on procedures (phản
//! ánh, kiến nghị — Nghị định 20/2008/NĐ-CP, Điều 8: a postal address, and an email, phone or
//! web address where there is one). [`ContactInput::check`] turns what a form or a record
//! holds into a [`Contact`], or names every refused field with its reason; an online address
//! (a procedure's submission link) is checked by [`web_address`].

use serde::{Deserialize, Serialize};

/// What a form or a record gives, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactInput {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub address: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub hours: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub phone: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub email: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub feedback_address: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub feedback_phone: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub feedback_email: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub feedback_url: String,
}

/// A checked contact: NFC, spaces folded, each field within its bounds (empty when not known).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Contact {
    pub address: String,
    pub hours: String,
    pub phone: String,
    pub email: String,
    pub feedback_address: String,
    pub feedback_phone: String,
    pub feedback_email: String,
    pub feedback_url: String,
}

impl Contact {
    /// Whether nothing is known.
    pub fn is_empty(&self) -> bool {
        self == &Contact::default()
    }

    /// Whether the feedback address holds anything.
    pub fn has_feedback(&self) -> bool {
        !(self.feedback_address.is_empty()
            && self.feedback_phone.is_empty()
            && self.feedback_email.is_empty()
            && self.feedback_url.is_empty())
    }
}

/// A field of the contact, by its form and record name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactField {
    Address,
    Hours,
    Phone,
    Email,
    FeedbackAddress,
    FeedbackPhone,
    FeedbackEmail,
    FeedbackUrl,
}

impl ContactField {
    pub fn name(self) -> &'static str {
        match self {
            ContactField::Address => "address",
            ContactField::Hours => "hours",
            ContactField::Phone => "phone",
            ContactField::Email => "email",
            ContactField::FeedbackAddress => "feedback_address",
            ContactField::FeedbackPhone => "feedback_phone",
            ContactField::FeedbackEmail => "feedback_email",
            ContactField::FeedbackUrl => "feedback_url",
        }
    }
}

/// One refused field and why, in Vietnamese.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContactProblem {
    pub field: ContactField,
    pub message: String,
}

/// The longest address or opening hours, in characters.
pub const TEXT_CHARS: usize = 300;
/// The longest email (RFC 5321 path limit).
pub const EMAIL_CHARS: usize = 254;
/// The longest web address kept.
pub const URL_CHARS: usize = 500;
/// The longest phone number as written (with its spaces and dots).
pub const PHONE_CHARS: usize = 30;

impl ContactInput {
    /// The contact, or every refused field (nothing is half taken).
    pub fn check(&self) -> Result<Contact, Vec<ContactProblem>> {
        let mut problems = Vec::new();
        let mut take =
            |field: ContactField, raw: &str, rule: fn(&str) -> Result<String, String>| match rule(
                raw,
            ) {
                Ok(v) => v,
                Err(message) => {
                    problems.push(ContactProblem { field, message });
                    String::new()
                }
            };
        let contact = Contact {
            address: take(ContactField::Address, &self.address, text),
            hours: take(ContactField::Hours, &self.hours, text),
            phone: take(ContactField::Phone, &self.phone, phone),
            email: take(ContactField::Email, &self.email, email),
            feedback_address: take(ContactField::FeedbackAddress, &self.feedback_address, text),
            feedback_phone: take(ContactField::FeedbackPhone, &self.feedback_phone, phone),
            feedback_email: take(ContactField::FeedbackEmail, &self.feedback_email, email),
            feedback_url: take(ContactField::FeedbackUrl, &self.feedback_url, |s| {
                web_address(s).map(Option::unwrap_or_default)
            }),
        };
        if problems.is_empty() {
            Ok(contact)
        } else {
            Err(problems)
        }
    }
}

/// One line: NFC, whitespace folded to single spaces, control characters refused.
fn line(raw: &str) -> Result<String, String> {
    if raw
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
    {
        return Err("Có ký tự điều khiển không in được: hãy gõ lại.".into());
    }
    Ok(super::text::nfc(raw)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" "))
}

fn text(raw: &str) -> Result<String, String> {
    let v = line(raw)?;
    if v.chars().count() > TEXT_CHARS {
        return Err(format!(
            "Dài quá {TEXT_CHARS} ký tự ({} ký tự): hãy viết ngắn lại.",
            v.chars().count()
        ));
    }
    Ok(v)
}

/// A phone number: digits, spaces, dots and a leading `+`, 8 to 15 digits
/// (`0290 3858 123`, `+84 290.3858.123`, `1022`-style short numbers are not office lines).
fn phone(raw: &str) -> Result<String, String> {
    let v = line(raw)?;
    if v.is_empty() {
        return Ok(v);
    }
    let body = v.strip_prefix('+').unwrap_or(&v);
    if !body
        .chars()
        .all(|c| c.is_ascii_digit() || c == ' ' || c == '.')
    {
        return Err(
            "Số điện thoại chỉ gồm chữ số, dấu cách, dấu chấm và dấu + ở đầu (ví dụ 0290 3858 123)."
                .into(),
        );
    }
    let digits = body.chars().filter(char::is_ascii_digit).count();
    if !(8..=15).contains(&digits) || v.chars().count() > PHONE_CHARS {
        return Err(format!(
            "Số điện thoại cần từ 8 đến 15 chữ số (đang có {digits})."
        ));
    }
    Ok(v)
}

/// The `tel:` address of a checked phone number (`tel:+842903858123`).
pub fn tel_href(phone: &str) -> String {
    let digits: String = phone
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect();
    format!("tel:{digits}")
}

/// An email address of the usual shape: one `@`, a local part and a domain with a dot, no
/// spaces, at most [`EMAIL_CHARS`] characters.
fn email(raw: &str) -> Result<String, String> {
    let v = line(raw)?;
    if v.is_empty() {
        return Ok(v);
    }
    let bad = || "Thư điện tử không đúng dạng (ví dụ motcua.xadamdoi@camau.gov.vn).".to_string();
    let Some((local, domain)) = v.split_once('@') else {
        return Err(bad());
    };
    let domain_ok = domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && domain
            .chars()
            .all(|c| c.is_alphanumeric() || c == '.' || c == '-');
    let local_ok = !local.is_empty()
        && local
            .chars()
            .all(|c| !c.is_whitespace() && !matches!(c, '@' | '<' | '>' | '"' | ',' | ';'));
    if !(domain_ok && local_ok) {
        return Err(bad());
    }
    if v.chars().count() > EMAIL_CHARS {
        return Err(format!("Thư điện tử dài quá {EMAIL_CHARS} ký tự."));
    }
    Ok(v)
}

/// A web address: `http://` or `https://` with a host, no spaces, at most [`URL_CHARS`]
/// characters; `Ok(None)` for an empty text. Other schemes (`javascript:`, `ftp:`, `file:`)
/// are refused.
pub fn web_address(raw: &str) -> Result<Option<String>, String> {
    let v = line(raw)?;
    if v.is_empty() {
        return Ok(None);
    }
    if v.contains(' ') {
        return Err("Địa chỉ trang web không được có dấu cách.".into());
    }
    let parsed = url::Url::parse(&v).map_err(|_| {
        "Địa chỉ trang web không đúng dạng: cần bắt đầu bằng https:// (ví dụ https://dichvucong.camau.gov.vn)."
            .to_string()
    })?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err("Chỉ nhận địa chỉ trang web bắt đầu bằng http:// hoặc https://.".into());
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err("Địa chỉ trang web thiếu tên miền.".into());
    }
    if v.chars().count() > URL_CHARS {
        return Err(format!("Địa chỉ trang web dài quá {URL_CHARS} ký tự."));
    }
    Ok(Some(v))
}

/// Where a procedure is submitted online as an announcing decision gives it (the form's row or
/// the annex's «Địa chỉ nộp trực tuyến»): blank is none; otherwise a web address
/// ([`web_address`]) over https only — citizens send their papers there.
pub fn online_address(raw: &str) -> Result<Option<String>, String> {
    let Some(v) = web_address(raw)? else {
        return Ok(None);
    };
    if !v
        .get(..8)
        .is_some_and(|p| p.eq_ignore_ascii_case("https://"))
    {
        return Err(
            "Địa chỉ nộp trực tuyến phải bắt đầu bằng https:// (ví dụ https://dichvucong.camau.gov.vn).".into(),
        );
    }
    Ok(Some(v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_online_address_is_https_or_nothing() {
        assert_eq!(online_address("  "), Ok(None));
        assert_eq!(
            online_address(" https://dichvucong.camau.gov.vn/thu-tuc?ma=1.001193 "),
            Ok(Some(
                "https://dichvucong.camau.gov.vn/thu-tuc?ma=1.001193".to_string()
            ))
        );
        assert_eq!(
            online_address("HTTPS://DVC.CAMAU.GOV.VN"),
            Ok(Some("HTTPS://DVC.CAMAU.GOV.VN".to_string()))
        );
        for bad in [
            "http://dichvucong.camau.gov.vn",
            "dichvucong.camau.gov.vn",
            "ftp://dichvucong.camau.gov.vn",
            "https://",
            "https://dich vu cong.vn",
            "javascript:alert(1)",
        ] {
            let e = online_address(bad).expect_err(bad);
            assert!(!e.is_empty(), "{bad}");
        }
        let long = format!("https://dvc.camau.gov.vn/{}", "a".repeat(URL_CHARS));
        assert!(online_address(&long).is_err());
    }

    fn input() -> ContactInput {
        ContactInput {
            address: "  Số 1,  đường Nguyễn Tất Thành\nxã Đầm Dơi ".into(),
            hours: "Sáng 7h00–11h30, chiều 13h30–17h00, thứ Hai đến thứ Sáu".into(),
            phone: "0290 3858.123".into(),
            email: "motcua@damdoi.camau.gov.vn".into(),
            feedback_address: "UBND xã Đầm Dơi".into(),
            feedback_phone: "+84 290 3858 124".into(),
            feedback_email: String::new(),
            feedback_url: "https://dichvucong.gov.vn/p/phananhkiennghi".into(),
        }
    }

    #[test]
    fn a_good_contact_is_kept_with_spaces_folded() {
        let c = input().check().unwrap();
        assert_eq!(c.address, "Số 1, đường Nguyễn Tất Thành xã Đầm Dơi");
        assert_eq!(c.phone, "0290 3858.123");
        assert!(c.has_feedback());
        assert!(!c.is_empty());
        assert!(ContactInput::default().check().unwrap().is_empty());
    }

    #[test]
    fn every_bad_field_is_named() {
        let bad = ContactInput {
            address: "x".repeat(TEXT_CHARS + 1),
            hours: "7h\u{0007}".into(),
            phone: "0290-385-8123".into(),
            email: "motcua@damdoi".into(),
            feedback_phone: "123".into(),
            feedback_email: "a b@c.vn".into(),
            feedback_url: "javascript:alert(1)".into(),
            ..input()
        };
        let problems = bad.check().unwrap_err();
        let fields: Vec<&str> = problems.iter().map(|p| p.field.name()).collect();
        assert_eq!(
            fields,
            [
                "address",
                "hours",
                "phone",
                "email",
                "feedback_phone",
                "feedback_email",
                "feedback_url"
            ]
        );
    }

    #[test]
    fn phones() {
        assert!(phone("0290 3858 123").is_ok());
        assert!(phone("+84.290.3858.123").is_ok());
        assert!(phone("1900 1234").is_ok());
        assert!(phone("02903858123 ext").is_err());
        assert!(phone("84+2903858123").is_err());
        assert!(phone("1234567").is_err());
        assert!(phone("1234567890123456").is_err());
        assert_eq!(tel_href("+84 290.3858 123"), "tel:+842903858123");
    }

    #[test]
    fn emails() {
        assert!(email("a.b-c@xa.camau.gov.vn").is_ok());
        for bad in [
            "a",
            "a@",
            "@b.vn",
            "a@b",
            "a@.vn",
            "a@b..vn",
            "a@b.vn.",
            "a<b>@c.vn",
            "a@b@c.vn",
        ] {
            assert!(email(bad).is_err(), "{bad}");
        }
        assert!(email(&format!("{}@b.vn", "a".repeat(EMAIL_CHARS))).is_err());
    }

    #[test]
    fn web_addresses() {
        assert_eq!(web_address(" ").unwrap(), None);
        assert_eq!(
            web_address("https://dichvucong.gov.vn/p/home/dvc-chi-tiet-thu-tuc.html?ma=1.001193")
                .unwrap()
                .as_deref(),
            Some("https://dichvucong.gov.vn/p/home/dvc-chi-tiet-thu-tuc.html?ma=1.001193")
        );
        assert!(web_address("http://camau.gov.vn").is_ok());
        for bad in [
            "javascript:alert(1)",
            "ftp://camau.gov.vn",
            "file:///etc/passwd",
            "dichvucong.gov.vn",
            "https://",
            "https://a b.vn",
            "data:text/html,x",
        ] {
            assert!(web_address(bad).is_err(), "{bad}");
        }
        assert!(web_address(&format!("https://a.vn/{}", "x".repeat(URL_CHARS))).is_err());
    }
}
