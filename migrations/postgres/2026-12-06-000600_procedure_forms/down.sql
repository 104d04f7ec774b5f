DROP TABLE procedure_form_parts;
DROP TABLE procedure_forms;
