-- Annexes (phụ lục) are provisions of their own kind, 'phu-luc' (keys `phu-luc-I`, `phu-luc`):
-- addressed, shown and searched like an article, and the target of an effect.
ALTER TABLE provisions DROP CONSTRAINT provisions_kind_check;
ALTER TABLE provisions ADD CONSTRAINT provisions_kind_check CHECK (kind IN ('chuong', 'muc', 'dieu', 'khoan', 'diem', 'phu-luc'));
