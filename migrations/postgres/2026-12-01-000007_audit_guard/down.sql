DROP TRIGGER audit_log_append_at_head ON audit_log;
DROP FUNCTION audit_log_continue_chain();
