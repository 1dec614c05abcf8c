import { checkSchemaName } from './sql-client';

/**
 * The event log's part of the schema as v0.1.0 created it (migration 001_event_log, see
 * migrations/event-log.migrations.ts): one table for the log (a stream's head is its highest
 * revision there), one for subscriber checkpoints. Every statement is CREATE … IF NOT EXISTS or
 * CREATE OR REPLACE, so it is a no-op on a database v0.1.0 made, which is how such a database is
 * adopted. `position` is assigned by the appender while it holds the store's advisory lock, so
 * positions are dense and follow commit order (see sql-event-store.ts for why that matters).
 * v0.1.0 also dropped an older layout's `streams` table and one-argument `append_batch(jsonb)` on
 * every start; that is no longer done at start-up (migration 005 retires the function once).
 */
export function schemaDdl(schemaName: string): string[] {
  const s = checkSchemaName(schemaName);
  return [
    `CREATE SCHEMA IF NOT EXISTS ${s}`,
    `CREATE TABLE IF NOT EXISTS ${s}.events (
      position    bigint      PRIMARY KEY,
      event_id    uuid        NOT NULL UNIQUE,
      stream_id   text        NOT NULL,
      revision    bigint      NOT NULL,
      type        text        NOT NULL,
      data        jsonb       NOT NULL,
      metadata    jsonb       NOT NULL DEFAULT '{}'::jsonb,
      recorded_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (stream_id, revision)
    )`,
    `CREATE TABLE IF NOT EXISTS ${s}.checkpoints (
      name       text        PRIMARY KEY,
      position   bigint      NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`,
    // Events are immutable: the log refuses UPDATE and DELETE outright.
    `CREATE OR REPLACE FUNCTION ${s}.events_are_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'events are immutable: % refused', TG_OP;
    END $$`,
    `CREATE OR REPLACE TRIGGER events_immutable BEFORE UPDATE OR DELETE ON ${s}.events
      FOR EACH ROW EXECUTE FUNCTION ${s}.events_are_immutable()`,
    appendBatchFunction(s),
  ];
}

/**
 * `<schema>.append_batch(appends jsonb, careful boolean) RETURNS jsonb`: one group commit in one
 * statement, so a group costs one round trip. Called outside BEGIN/COMMIT, the statement is its
 * own transaction, and the client hears the answer only once it has committed. A call that fails
 * with unique_violation (an event id already stored: a retried append) wrote nothing; the client
 * calls again with `careful`, which decides append by append and answers the replay.
 *
 * Input, one element per queued append, in queue order:
 *   {"s": stream id, "e": expected revision (absent = any, -1 = no_stream, n = exact),
 *    "ev": [{"id", "type", "data", "metadata"}, …]}
 * Output, one element per append, same order:
 *   {"status": "ok" | "replay", "nextRevision", "position"}
 *   {"status": "wrong_revision", "actual": n | "no_stream"}
 *   {"status": "id_conflict", "message"}
 *
 * Decided per append, in order, each seeing the appends before it in the group:
 *  - every id already stored (or accepted earlier in the group) on this stream at consecutive
 *    revisions: a replay, answered as the first time and appending nothing; stored any other way:
 *    id conflict;
 *  - some ids stored and some not: id conflict;
 *  - otherwise the expected revision must match the stream head (-1 when the stream does not exist);
 *    then the events take the next revisions and the next positions (dense, from max(position)+1).
 * Positions are handed out under the append lock, held to commit, so they follow commit order.
 *
 * Plans: plpgsql prepares these statements once per session and caches their plans, possibly made
 * while the tables were empty (or vacuumed empty), when a sequential scan looks cheapest; such a
 * plan would scan the whole log on every append once it has grown. Every table access here is a
 * lookup on a unique index or a max() over one (the position, a stream's revisions), so the
 * function runs with enable_seqscan off: the plans use those indexes whatever the tables' size,
 * and no statement is planned again on each call (as EXECUTE would, at about 0.3 ms per call).
 */
function appendBatchFunction(s: string): string {
  return `CREATE OR REPLACE FUNCTION ${s}.append_batch(appends jsonb, careful boolean DEFAULT false) RETURNS jsonb LANGUAGE plpgsql
    SET enable_seqscan = off AS $fn$
    DECLARE
      results jsonb;
      last_position bigint;
      next_pos bigint;
      heads jsonb;          -- stream id -> revision, as the group has left it so far
      known jsonb;          -- event id -> [stream id, revision, position], stored or accepted in the group
      outcomes jsonb[] := '{}';
      accepted int[] := '{}';
      first_revisions bigint[] := '{}';
      first_positions bigint[] := '{}';
      app jsonb;
      ord int := 0;
      size int;
      stream text;
      expected bigint;
      cur bigint;
      n_missing int;
      replay_ok boolean;
      clash_id text;
      clash_stream text;
      last_found jsonb;
      all_ids text;
    BEGIN
      PERFORM pg_advisory_xact_lock(hashtext('samhandling-append:${s}'));

      -- The usual group: every append is accepted (streams distinct, expected revisions met, ids
      -- new), so none depends on another and one statement writes them all. That the ids are new
      -- is left to the unique index on event_id: a violation fails the whole call, and the client
      -- calls again with careful = true (no subtransaction to pay for on every call). Any other
      -- group that is not like this is decided by the loop below.
      IF NOT careful THEN
        WITH g AS (
          SELECT i, x->>'s' AS s, x->'ev' AS ev, jsonb_array_length(x->'ev') AS n, (x->>'e')::bigint AS e,
                 coalesce((SELECT max(revision) FROM ${s}.events WHERE stream_id = x->>'s'), -1) AS head
            FROM jsonb_array_elements(appends) WITH ORDINALITY AS t(x, i)
        ), p AS MATERIALIZED (
          -- empty unless every append is accepted
          SELECT g.*, (SELECT coalesce(max(position), 0) FROM ${s}.events) + sum(g.n) OVER (ORDER BY g.i) AS pos
            FROM g
           WHERE (SELECT count(DISTINCT s) = count(*) AND bool_and(e IS NULL OR e = head) FROM g)
        ), inserted AS (
          INSERT INTO ${s}.events (position, event_id, stream_id, revision, type, data, metadata)
          SELECT p.pos - p.n + k, (y->>'id')::uuid, p.s, p.head + k, y->>'type', y->'data', coalesce(y->'metadata', '{}')
            FROM p, jsonb_array_elements(p.ev) WITH ORDINALITY AS t(y, k)
        )
        SELECT max(p.pos), jsonb_agg(jsonb_build_object('status', 'ok', 'nextRevision', p.head + p.n, 'position', p.pos) ORDER BY p.i)
          INTO next_pos, results FROM p;
        IF next_pos IS NOT NULL THEN
          PERFORM pg_notify('${notifyChannel(s)}', next_pos::text);
          RETURN results;
        END IF;
      END IF;

      -- Decide the appends one at a time, each seeing those before it. Nothing was written above.
      SELECT coalesce(max(position), 0) INTO last_position FROM ${s}.events;
      SELECT coalesce(jsonb_object_agg(st, revision) FILTER (WHERE revision IS NOT NULL), '{}') INTO heads
        FROM (SELECT st, (SELECT max(revision) FROM ${s}.events WHERE stream_id = st) AS revision
                FROM (SELECT DISTINCT x->>'s' AS st FROM jsonb_array_elements(appends) AS x) q) r;
      SELECT coalesce(jsonb_object_agg(id, f) FILTER (WHERE f IS NOT NULL), '{}') INTO known
        FROM (SELECT id, (SELECT jsonb_build_array(stream_id, revision, position) FROM ${s}.events WHERE event_id = q.id) AS f
                FROM (SELECT (y->>'id')::uuid AS id FROM jsonb_array_elements(appends) AS x, jsonb_array_elements(x->'ev') AS y) q) r;
      next_pos := last_position;

      FOR app IN SELECT value FROM jsonb_array_elements(appends) LOOP
        ord := ord + 1;
        stream := app->>'s';
        size := jsonb_array_length(app->'ev');
        SELECT count(*) FILTER (WHERE f IS NULL),
               bool_and(f->>0 = stream AND (prev IS NULL OR (f->>1)::bigint = (prev->>1)::bigint + 1)),
               (array_agg(id ORDER BY k) FILTER (WHERE f IS NOT NULL))[1],
               (array_agg(f->>0 ORDER BY k) FILTER (WHERE f IS NOT NULL))[1],
               (array_agg(f ORDER BY k DESC))[1],
               string_agg(x->>'id', ', ' ORDER BY k)
          INTO n_missing, replay_ok, clash_id, clash_stream, last_found, all_ids
          FROM (SELECT x, k, lower(x->>'id') AS id, known->lower(x->>'id') AS f,
                       lag(known->lower(x->>'id')) OVER (ORDER BY k) AS prev
                  FROM jsonb_array_elements(app->'ev') WITH ORDINALITY AS t(x, k)) q;
        IF n_missing = 0 AND replay_ok THEN
          outcomes := outcomes || jsonb_build_object('status', 'replay', 'nextRevision', last_found->1, 'position', last_found->2);
          CONTINUE;
        ELSIF n_missing = 0 THEN
          outcomes := outcomes || jsonb_build_object('status', 'id_conflict', 'message',
            format('Events %s were stored before, but not as this append to %s', all_ids, stream));
          CONTINUE;
        ELSIF n_missing < size THEN
          outcomes := outcomes || jsonb_build_object('status', 'id_conflict', 'message',
            format('Event id %s was already appended to %s; an append is stored whole or not at all', clash_id, clash_stream));
          CONTINUE;
        END IF;
        cur := coalesce((heads->>stream)::bigint, -1);
        expected := (app->>'e')::bigint;  -- NULL (any) never mismatches
        IF expected <> cur THEN
          outcomes := outcomes || jsonb_build_object('status', 'wrong_revision', 'actual',
            CASE WHEN cur < 0 THEN to_jsonb('no_stream'::text) ELSE to_jsonb(cur) END);
          CONTINUE;
        END IF;
        accepted := accepted || ord;
        first_revisions := first_revisions || (cur + 1);
        first_positions := first_positions || (next_pos + 1);
        known := known || (SELECT jsonb_object_agg(lower(x->>'id'), jsonb_build_array(stream, cur + k, next_pos + k))
                             FROM jsonb_array_elements(app->'ev') WITH ORDINALITY AS t(x, k));
        cur := cur + size;
        next_pos := next_pos + size;
        heads := heads || jsonb_build_object(stream, cur);
        outcomes := outcomes || jsonb_build_object('status', 'ok', 'nextRevision', cur, 'position', next_pos);
      END LOOP;

      IF next_pos > last_position THEN
        INSERT INTO ${s}.events (position, event_id, stream_id, revision, type, data, metadata)
        SELECT p.first_position + t.k - 1, (t.x->>'id')::uuid, appends->(p.i - 1)->>'s', p.first_revision + t.k - 1,
               t.x->>'type', t.x->'data', coalesce(t.x->'metadata', '{}')
          FROM unnest(accepted, first_revisions, first_positions) AS p(i, first_revision, first_position),
               jsonb_array_elements(appends->(p.i - 1)->'ev') WITH ORDINALITY AS t(x, k);
        PERFORM pg_notify('${notifyChannel(s)}', next_pos::text);
      END IF;
      RETURN to_jsonb(outcomes);
    END $fn$`;
}

/** Channel the store NOTIFYs on after each commit, so tailing readers wake without polling. */
export const notifyChannel = (schemaName: string) => `${checkSchemaName(schemaName)}_appended`;
