package reports

import (
	"fmt"
	"io"

	"github.com/gluelens/gluelens/analysis/report"
	"github.com/gluelens/gluelens/reports/html"
	"github.com/gluelens/gluelens/reports/markdown"
)

// Formats of the incident, capacity and compare reports.
const (
	FormatHTML     = "html"
	FormatMarkdown = "md"
)

// ReportWriter renders the findings of one report.
type ReportWriter interface {
	WriteIncident(w io.Writer, inc *report.Incident) error
	WriteCapacity(w io.Writer, c *report.Capacity) error
	WriteCompare(w io.Writer, c *report.Compare) error
}

// NewReportWriter picks the writer for format: html, json or md.
func NewReportWriter(format string) (ReportWriter, error) {
	switch format {
	case FormatHTML, "":
		return html.Writer{}, nil
	case FormatJSON:
		return jsonFindings{}, nil
	case FormatMarkdown, "markdown":
		return markdown.Writer{}, nil
	}
	return nil, fmt.Errorf("unknown report format %q (want html, json or md)", format)
}

// jsonFindings writes the findings themselves with the one JSON writer
// (indented, HTML-escaped).
type jsonFindings struct{}

func (jsonFindings) WriteIncident(w io.Writer, inc *report.Incident) error { return writeJSON(w, inc) }
func (jsonFindings) WriteCapacity(w io.Writer, c *report.Capacity) error   { return writeJSON(w, c) }
func (jsonFindings) WriteCompare(w io.Writer, c *report.Compare) error     { return writeJSON(w, c) }
