-- What a file attached to a document is, in the words of whoever attached it (e.g. "Phụ lục I:
-- danh mục thủ tục hành chính"): optional, at most 500 characters, shown beside the file.
ALTER TABLE document_files ADD COLUMN description TEXT;
