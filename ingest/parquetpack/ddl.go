package parquetpack

import (
	"fmt"
	"strings"
)

// Dialects DDL writes.
const (
	DialectAthena = "athena" // Athena (Hive DDL over the Glue Data Catalog)
	DialectSpark  = "spark"  // Spark SQL data-source tables
)

// DDL returns CREATE EXTERNAL TABLE statements for every table of the pack
// described by m, stored at location (the pack root, e.g.
// s3://bucket/packs/incident-42), in database db. Each table is
// partitioned by dt (a string: YYYY-MM-DD or "undated"), and each CREATE
// is followed by the statement that discovers the partitions already
// written (MSCK REPAIR TABLE).
func DDL(m *Manifest, dialect, location, db string) (string, error) {
	location = strings.TrimRight(location, "/")
	if location == "" {
		return "", fmt.Errorf("writing DDL: no location for the dataset")
	}
	if strings.ContainsAny(location, "'\\") {
		return "", fmt.Errorf("writing DDL: location %q contains a quote or backslash", location)
	}
	if !identOK(db) {
		return "", fmt.Errorf("writing DDL: database name %q must be letters, digits and underscores", db)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "-- gluelens evidence pack: schema %d, written by gluelens %s at %s\n", m.SchemaVersion, m.GluelensVersion, m.CreatedAt.Format("2006-01-02T15:04:05Z"))
	switch dialect {
	case DialectAthena:
		fmt.Fprintf(&b, "CREATE DATABASE IF NOT EXISTS `%s`;\n", db)
	case DialectSpark:
		fmt.Fprintf(&b, "CREATE DATABASE IF NOT EXISTS %s;\n", db)
	default:
		return "", fmt.Errorf("writing DDL: unknown dialect %q (want athena or spark)", dialect)
	}
	for _, t := range m.Tables {
		if !identOK(t.Name) {
			return "", fmt.Errorf("writing DDL: table name %q in the manifest is not a plain identifier", t.Name)
		}
		cols := make([]string, 0, len(t.Columns))
		for _, c := range t.Columns {
			if !identOK(c.Name) {
				return "", fmt.Errorf("writing DDL: column name %q of %s is not a plain identifier", c.Name, t.Name)
			}
			typ, err := sqlType(c, dialect)
			if err != nil {
				return "", fmt.Errorf("writing DDL for %s: %w", t.Name, err)
			}
			if dialect == DialectAthena {
				cols = append(cols, fmt.Sprintf("  `%s` %s", c.Name, typ))
			} else {
				cols = append(cols, fmt.Sprintf("  %s %s", c.Name, typ))
			}
		}
		loc := location + "/table=" + t.Name + "/"
		b.WriteString("\n")
		fmt.Fprintf(&b, "-- %s: %d rows in %d file(s); dt from %s\n", t.Name, t.Rows, len(t.Files), dayNote(t))
		switch dialect {
		case DialectAthena:
			fmt.Fprintf(&b, "CREATE EXTERNAL TABLE IF NOT EXISTS `%s`.`%s` (\n%s\n)\n", db, t.Name, strings.Join(cols, ",\n"))
			b.WriteString("PARTITIONED BY (`dt` string)\nSTORED AS PARQUET\n")
			fmt.Fprintf(&b, "LOCATION '%s'\nTBLPROPERTIES ('parquet.compression'='ZSTD');\n", loc)
			fmt.Fprintf(&b, "MSCK REPAIR TABLE `%s`.`%s`;\n", db, t.Name)
		case DialectSpark:
			cols = append(cols, "  dt STRING")
			fmt.Fprintf(&b, "CREATE TABLE IF NOT EXISTS %s.%s (\n%s\n)\n", db, t.Name, strings.Join(cols, ",\n"))
			fmt.Fprintf(&b, "USING parquet\nPARTITIONED BY (dt)\nLOCATION '%s';\n", loc)
			fmt.Fprintf(&b, "MSCK REPAIR TABLE %s.%s;\n", db, t.Name)
		}
	}
	return b.String(), nil
}

func dayNote(t TableEntry) string {
	if t.DayColumn == "" {
		return "nothing (always dt=" + Undated + ")"
	}
	return t.DayColumn + " (UTC date; dt=" + Undated + " when NULL)"
}

// sqlType maps a written Parquet column to the engine's type.
func sqlType(c ColumnEntry, dialect string) (string, error) {
	var t string
	switch {
	case c.ParquetType == "BYTE_ARRAY" && strings.HasPrefix(c.LogicalType, "STRING"):
		t = "string"
	case c.ParquetType == "INT64" && strings.HasPrefix(c.LogicalType, "TIMESTAMP"):
		t = "timestamp"
	case c.ParquetType == "INT64":
		t = "bigint"
	case c.ParquetType == "INT32":
		t = "int"
	case c.ParquetType == "DOUBLE":
		t = "double"
	case c.ParquetType == "BOOLEAN":
		t = "boolean"
	default:
		return "", fmt.Errorf("column %s: no SQL type for parquet %s %s", c.Name, c.ParquetType, c.LogicalType)
	}
	if dialect == DialectSpark {
		t = strings.ToUpper(t)
	}
	return t, nil
}

func identOK(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_', r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
		case r >= '0' && r <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}
