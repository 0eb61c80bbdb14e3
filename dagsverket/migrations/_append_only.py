"""SQL for the database roles and the append-only triggers, shared by the apps' migrations and
`manage.py database_roles` (PostgreSQL only).

The functions they call are created by dagsverket 0018; a migration using these depends on it.
"""

# Creating roles and granting to them; also run by `manage.py database_roles` after each migrate.
ROLES_SQL = """
DO $$
DECLARE
    name text;
    can_create boolean := (SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user);
BEGIN
    FOREACH name IN ARRAY ARRAY['dagsverket_app', 'dagsverket_retention'] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = name) THEN
            IF NOT can_create THEN
                RAISE NOTICE 'role % is missing: ask a DBA to run manage.py database_roles', name;
                CONTINUE;
            END IF;
            BEGIN
                EXECUTE format('CREATE ROLE %I NOLOGIN', name);
            EXCEPTION WHEN duplicate_object OR unique_violation THEN
                NULL;  -- another database of the same cluster created it just now
            END;
        END IF;
        EXECUTE format('GRANT USAGE ON SCHEMA public TO %I', name);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO %I', name);
        EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO %I', name);
        -- Tables the later migrations create (as the same owner) get the same grants.
        EXECUTE format(
            'ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO %I',
            name
        );
        EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO %I', name);
    END LOOP;
END $$;
"""


def append_only_sql(table: str, subject: str, fill_once: str | None = None) -> str:
    """The row and TRUNCATE triggers that make `table` append-only (used by the apps' migrations)."""
    quoted = subject.replace("'", "''")
    arguments = f"'{quoted}'" + (f", '{fill_once}'" if fill_once else "")
    return f"""
CREATE TRIGGER {table}_is_append_only
    BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION dagsverket_refuse_change({arguments});
CREATE TRIGGER {table}_is_never_truncated
    BEFORE TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION dagsverket_refuse_truncate();
"""


def drop_append_only_sql(table: str) -> str:
    return f"""
DROP TRIGGER IF EXISTS {table}_is_append_only ON {table};
DROP TRIGGER IF EXISTS {table}_is_never_truncated ON {table};
"""


def never_truncated_sql(table: str) -> str:
    """Only the TRUNCATE trigger, for tables whose row triggers are their own."""
    return f"""
CREATE TRIGGER {table}_is_never_truncated
    BEFORE TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION dagsverket_refuse_truncate();
"""
