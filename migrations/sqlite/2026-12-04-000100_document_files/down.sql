DROP TABLE document_file_parts;
DROP TABLE document_files;
