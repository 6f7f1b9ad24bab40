package store

import (
	"context"
	"fmt"
	"strings"
)

// Conflicting copies. CloudTrail may deliver one event twice, and evidence
// gathered from several places (an S3 copy, a SIEM export) may hold two
// records with one eventID but different content — a tampered or
// re-serialized copy. A table whose spec names Provenance columns (where a
// row was read, not what it says) resolves such keys by content, the same
// whatever the order of reading, the scheduling of workers or the split
// into ingests:
//
//   - copies whose content (every column but the Provenance ones) is
//     identical are one record: the first stored stays, the others are
//     counted as duplicates, silently;
//   - among copies whose content differs, the one with the smallest
//     content hash (contentHash: MD5 of the JSON of its content columns, in
//     table order) is kept — a stored row is replaced when a later copy
//     wins — and the conflict is recorded in ingest_issues (severity
//     "warning") of every object holding a copy, naming both copies;
//   - a stored row replaced by a later copy moves from its object's
//     records_kept to its records_duplicate, so counts still add up.

// contentHash is the SQL of the content hash of a row aliased a.
func (t TableSpec) contentHash(a string) string {
	prov := map[string]bool{}
	for _, c := range t.Provenance {
		prov[c] = true
	}
	var parts []string
	for _, f := range FieldsOf(t.Row) {
		if !prov[f.Name] {
			parts = append(parts, fmt.Sprintf("%s := %s.%s", f.Name, a, f.Name))
		}
	}
	return "md5(to_json(struct_pack(" + strings.Join(parts, ", ") + ")))"
}

// contested reports whether the stage repeats a key or shares one with the
// table: only then does content decide.
func (l *Loader) contested(ctx context.Context, spec TableSpec, stage string) (bool, error) {
	repeated, err := l.repeatedKeys(ctx, spec, stage, "true")
	if err != nil || repeated > 0 {
		return repeated > 0, err
	}
	var overlap bool
	err = l.conn.QueryRowContext(ctx, fmt.Sprintf(`SELECT EXISTS (SELECT 1 FROM %s t WHERE EXISTS (SELECT 1 FROM %s s WHERE %s))`,
		spec.Name, stage, spec.joinEq("t", "s"))).Scan(&overlap)
	return overlap, err
}

// mergeByContent merges the stage of a table with Provenance columns by
// the rules above and returns the rows kept per object.
func (l *Loader) mergeByContent(ctx context.Context, spec TableSpec, stage string) (map[int64]int64, error) {
	match := spec.joinEq("t", "s")
	var keyS []string
	for _, k := range spec.Key {
		keyS = append(keyS, "s."+k)
	}
	keys := strings.Join(keyS, ", ")
	var prov []string
	for _, p := range spec.Provenance {
		prov = append(prov, p+" NULLS LAST")
	}
	steps := []string{
		// Every copy of a contested key: staged ones and the stored one.
		fmt.Sprintf(`CREATE OR REPLACE TEMP TABLE merge_contest AS
			WITH k AS (SELECT %[2]s FROM %[1]s s GROUP BY ALL HAVING count(*) > 1
				UNION SELECT %[2]s FROM %[1]s s WHERE EXISTS (SELECT 1 FROM %[3]s t WHERE %[4]s))
			SELECT s.*, %[5]s AS _h, false AS _old FROM %[1]s s WHERE EXISTS (SELECT 1 FROM k t WHERE %[4]s)
			UNION ALL BY NAME
			SELECT s.*, CAST(-1 AS BIGINT) AS _obj, %[5]s AS _h, true AS _old FROM %[3]s s WHERE EXISTS (SELECT 1 FROM k t WHERE %[4]s)`,
			stage, keys, spec.Name, match, spec.contentHash("s")),
		// The kept copy of each: smallest content hash; among identical
		// content the stored row, else the first by provenance.
		fmt.Sprintf(`CREATE OR REPLACE TEMP TABLE merge_win AS SELECT * FROM merge_contest
			QUALIFY row_number() OVER (PARTITION BY %s ORDER BY _h, _old DESC, %s) = 1`,
			strings.Join(spec.Key, ", "), strings.Join(prov, ", ")),
	}
	for _, q := range steps {
		if _, err := l.conn.ExecContext(ctx, q); err != nil {
			return nil, err
		}
	}
	if err := l.recordConflicts(ctx, spec); err != nil {
		return nil, err
	}
	for _, q := range []string{
		fmt.Sprintf(`DELETE FROM %s t WHERE EXISTS (SELECT 1 FROM merge_win s WHERE %s AND NOT s._old)`, spec.Name, match),
		fmt.Sprintf(`CREATE OR REPLACE TEMP TABLE merge_src AS
			SELECT * FROM %s s WHERE NOT EXISTS (SELECT 1 FROM merge_contest t WHERE %s)
			UNION ALL BY NAME
			SELECT * EXCLUDE (_h, _old) FROM merge_win WHERE NOT _old`, stage, match),
		fmt.Sprintf(`INSERT INTO %s SELECT * EXCLUDE (_obj) FROM merge_src`, spec.Name),
	} {
		if _, err := l.conn.ExecContext(ctx, q); err != nil {
			return nil, err
		}
	}
	kept := map[int64]int64{}
	rows, err := l.conn.QueryContext(ctx, `SELECT _obj, count(*) FROM merge_src GROUP BY _obj`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var seq, n int64
		if err := rows.Scan(&seq, &n); err != nil {
			return nil, err
		}
		kept[seq] = n
	}
	return kept, rows.Err()
}

// The first Provenance column names the object a row was read from (as
// ingest_manifest.uri).

// recordConflicts writes an issue for every copy of merge_contest whose
// content differs from the kept one (merge_win), on each pending object
// holding either copy, and on the stored object when its row is replaced
// (moving that row to its duplicates).
func (l *Loader) recordConflicts(ctx context.Context, spec TableSpec) error {
	var provS, provW []string
	for _, p := range spec.Provenance {
		provS = append(provS, fmt.Sprintf("coalesce(CAST(s.%s AS VARCHAR), '?')", p))
		provW = append(provW, fmt.Sprintf("coalesce(CAST(w.%s AS VARCHAR), '?')", p))
	}
	var keyS []string
	for _, k := range spec.Key {
		keyS = append(keyS, fmt.Sprintf("CAST(s.%s AS VARCHAR)", k))
	}
	q := fmt.Sprintf(`SELECT concat_ws('/', %s), s._obj, s._old, concat_ws(' record ', %s), s._h, w._obj, w._old, concat_ws(' record ', %s), w._h, %s, %s, coalesce(CAST(s.%s AS VARCHAR), ''), coalesce(CAST(w.%s AS VARCHAR), '')
		FROM merge_contest s JOIN merge_win w ON %s WHERE s._h <> w._h ORDER BY 1, 4`,
		strings.Join(keyS, ", "), strings.Join(provS, ", "), strings.Join(provW, ", "),
		recordOrNull(spec, "s"), recordOrNull(spec, "w"), spec.Provenance[0], spec.Provenance[0], spec.joinEq("s", "w"))
	rows, err := l.conn.QueryContext(ctx, q)
	if err != nil {
		return err
	}
	type conflict struct {
		key              string
		lSeq, wSeq       int64
		lOld, wOld       bool
		lWhere, wWhere   string
		lHash, wHash     string
		lRecord, wRecord int64
		lURI, wURI       string
	}
	var cs []conflict
	for rows.Next() {
		var c conflict
		if err := rows.Scan(&c.key, &c.lSeq, &c.lOld, &c.lWhere, &c.lHash, &c.wSeq, &c.wOld, &c.wWhere, &c.wHash, &c.lRecord, &c.wRecord, &c.lURI, &c.wURI); err != nil {
			rows.Close()
			return err
		}
		cs = append(cs, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	bySeq := map[int64]*pendingObject{}
	for _, p := range l.pending {
		bySeq[p.seq] = p
	}
	keyName := strings.Join(spec.Key, "/")
	for _, c := range cs {
		msg := fmt.Sprintf("%s %s has copies with different content: kept %s (content MD5 %s), not %s (%s): the copy with the smallest content hash is kept, whatever the order of reading",
			keyName, c.key, c.wWhere, c.wHash, c.lWhere, c.lHash)
		if p := bySeq[c.lSeq]; p != nil && !c.lOld {
			p.addMerged(Issue{Record: c.lRecord, Severity: "warning", Message: msg})
		}
		if p := bySeq[c.wSeq]; p != nil && !c.wOld && c.wSeq != c.lSeq {
			p.addMerged(Issue{Record: c.wRecord, Severity: "warning", Message: msg})
		}
		// A stored copy's object, loaded before, gets the issue too; when
		// its row is replaced it keeps one row fewer.
		type stored struct {
			uri    string
			record int64
			lost   bool
		}
		var olds []stored
		if c.lOld {
			olds = append(olds, stored{c.lURI, c.lRecord, true})
		}
		if c.wOld {
			olds = append(olds, stored{c.wURI, c.wRecord, false})
		}
		for _, o := range olds {
			if o.lost {
				if _, err := l.conn.ExecContext(ctx, `UPDATE ingest_manifest SET records_kept = records_kept - 1, records_duplicate = records_duplicate + 1 WHERE uri = ? AND records_kept > 0`, o.uri); err != nil {
					return fmt.Errorf("recording the replaced copy of %s %s: %w", keyName, c.key, err)
				}
			}
			if _, err := l.conn.ExecContext(ctx, `INSERT INTO ingest_issues (uri, record, severity, message) SELECT ?, ?, 'warning', ? WHERE EXISTS (SELECT 1 FROM ingest_manifest WHERE uri = ?)
				AND NOT EXISTS (SELECT 1 FROM ingest_issues WHERE uri = ? AND message = ?)`, o.uri, o.record, msg, o.uri, o.uri, msg); err != nil {
				return fmt.Errorf("recording the conflict on %s %s: %w", keyName, c.key, err)
			}
		}
	}
	return nil
}

// recordOrNull is the record index of a copy (a's "record_index" when the
// table has one), else -1.
func recordOrNull(spec TableSpec, a string) string {
	for _, f := range FieldsOf(spec.Row) {
		if f.Name == "record_index" {
			return fmt.Sprintf("coalesce(CAST(%s.record_index AS BIGINT), -1)", a)
		}
	}
	return "-1"
}

// addMerged records an issue the merge found for the object.
func (p *pendingObject) addMerged(is Issue) {
	p.issues = append(p.issues, is)
	p.merged = append(p.merged, is)
}
