-- Where a document was issued (địa danh: `Cà Mau` of `Cà Mau, ngày 07 tháng 12 năm 2018`) and
-- how it was signed: `signing_capacity` is the signer's own capacity, the prefix of the last
-- capacity line (tm: thay mặt, kt: ký thay, q: quyền, tl: thừa lệnh, tuq: thừa ủy quyền), and
-- `signing_for` the capacity lines as written (`TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH`), so the
-- signature block is shown as signed. All three stay empty for documents entered without them.
ALTER TABLE documents ADD COLUMN place TEXT;
ALTER TABLE documents ADD COLUMN signing_capacity TEXT
    CHECK (signing_capacity IN ('tm', 'kt', 'q', 'tl', 'tuq'));
ALTER TABLE documents ADD COLUMN signing_for TEXT;
