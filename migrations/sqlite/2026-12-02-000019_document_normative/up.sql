-- Whether a document is a legal normative document (văn bản quy phạm pháp luật). Documents that
-- are not (a Chỉ thị from 1 July 2016, an individual decision such as 1825/QĐ-UBND) stay in the
-- registry, searchable and linked, but outside the issuer-type table and the law's rules that
-- `vanban check` applies. Stored rows get the importer's default (domain::issuers::
-- default_normative): a Chỉ thị signed from 2016-07-01, or a number without a year (two parts,
-- not a consolidated text VBHN), is not normative.
ALTER TABLE documents ADD COLUMN normative BOOLEAN NOT NULL DEFAULT 1;
UPDATE documents SET normative = 0
WHERE (doc_type = 'Chỉ thị' AND issued_on >= '2016-07-01')
   OR (number LIKE '%/%' AND number NOT LIKE '%/%/%' AND number NOT LIKE '%/VBHN-%');
