"""On PostgreSQL, the database itself refuses to change or delete audit entries, and lets the
chain head only move forward to the newest entry, whatever role the application connects as
(docs/security.md). SQLite has no such guard: this migration does nothing there."""

from django.db import migrations

CREATE = """
CREATE FUNCTION candour_audit_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'The audit log is append-only: % of entry % refused.', TG_OP, OLD.sequence
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'Audit entries are never changed or deleted (docs/security.md).';
END
$$;
CREATE TRIGGER core_auditentry_append_only
    BEFORE UPDATE OR DELETE ON core_auditentry
    FOR EACH ROW EXECUTE FUNCTION candour_audit_entry_append_only();

CREATE FUNCTION candour_audit_head_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'The audit chain head cannot be deleted.'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.sequence <= OLD.sequence OR NEW.entry_hash IS DISTINCT FROM
            (SELECT entry_hash FROM core_auditentry WHERE sequence = NEW.sequence) THEN
        RAISE EXCEPTION 'The audit chain head only moves forward, to the newest entry: '
            'moving it from entry % to entry % is refused.', OLD.sequence, NEW.sequence
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER core_auditchainhead_forward_only
    BEFORE UPDATE OR DELETE ON core_auditchainhead
    FOR EACH ROW EXECUTE FUNCTION candour_audit_head_forward_only();
"""

DROP = """
DROP TRIGGER IF EXISTS core_auditchainhead_forward_only ON core_auditchainhead;
DROP FUNCTION IF EXISTS candour_audit_head_forward_only();
DROP TRIGGER IF EXISTS core_auditentry_append_only ON core_auditentry;
DROP FUNCTION IF EXISTS candour_audit_entry_append_only();
"""


def run_on_postgresql(sql):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)  # the SQL has % signs of its own

    return operation


class Migration(migrations.Migration):
    dependencies = [("core", "0006_audit_key")]

    operations = [
        migrations.RunPython(run_on_postgresql(CREATE), run_on_postgresql(DROP)),
    ]
