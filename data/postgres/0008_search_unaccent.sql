-- Schema 8 (PostgreSQL): ticket search folds accents, as SQLite's FTS5
-- does. An agent who types "verification" finds "Vérification échouée";
-- the French stemmer kept the accents (the Spanish one drops them).
--
-- Each language gets a configuration of its own in the desk's schema,
-- sd_english, sd_spanish and sd_french: the built-in one with the unaccent
-- dictionary before the stemmer. unaccent ships with PostgreSQL (contrib)
-- and is a trusted extension, so the database's owner may create it; it
-- goes in the public schema, shared by every desk of the database (a
-- desk's schema may be dropped with its desk). Where it cannot be created
-- (not installed, or not allowed), the configurations are plain copies
-- and search behaves as before.
DO $$
DECLARE
  dict text;
  lang text;
BEGIN
  -- Desks in other schemas of the database may be migrating at the same
  -- moment (each under its own lock): one creates the extension, the
  -- others wait for its commit and find it.
  PERFORM pg_advisory_xact_lock(hashtext('supportdesk: create extension unaccent'));
  BEGIN
    CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA public;
  EXCEPTION
    -- unique_violation: another desk's migration created it meanwhile.
    WHEN undefined_file OR insufficient_privilege OR invalid_schema_name OR unique_violation THEN
      NULL;
  END;
  SELECT quote_ident(n.nspname) || '.unaccent' INTO dict
    FROM pg_ts_dict d JOIN pg_namespace n ON n.oid = d.dictnamespace
    WHERE d.dictname = 'unaccent'
    ORDER BY n.nspname = 'public' DESC
    LIMIT 1;
  FOREACH lang IN ARRAY ARRAY['english', 'spanish', 'french'] LOOP
    EXECUTE format('CREATE TEXT SEARCH CONFIGURATION %I (COPY = pg_catalog.%I)', 'sd_' || lang, lang);
    IF dict IS NOT NULL THEN
      EXECUTE format('ALTER TEXT SEARCH CONFIGURATION %I ALTER MAPPING FOR hword, hword_part, word WITH %s, %I',
        'sd_' || lang, dict, lang || '_stem');
    END IF;
  END LOOP;
END
$$;

-- The stored vector is computed again with the new configurations (the
-- column and its index are rebuilt: PostgreSQL 15 cannot change a
-- generated column's expression).
ALTER TABLE tickets DROP COLUMN search;
ALTER TABLE tickets ADD COLUMN search tsvector GENERATED ALWAYS AS (to_tsvector(
  CASE language WHEN 'es' THEN 'sd_spanish'::regconfig WHEN 'fr' THEN 'sd_french'::regconfig ELSE 'sd_english'::regconfig END,
  subject || ' ' || body)) STORED; -- requester text
CREATE INDEX tickets_search ON tickets USING gin (search);
