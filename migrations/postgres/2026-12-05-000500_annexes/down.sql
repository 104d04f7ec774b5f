DELETE FROM provisions WHERE kind = 'phu-luc';
ALTER TABLE provisions DROP CONSTRAINT provisions_kind_check;
ALTER TABLE provisions ADD CONSTRAINT provisions_kind_check CHECK (kind IN ('chuong', 'muc', 'dieu', 'khoan', 'diem'));
