ALTER TABLE document_files DROP COLUMN description;
