package reports_test

import (
	"encoding/json"
	"html"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var (
	summarySection = regexp.MustCompile(`(?s)<section id="summary".*?</section>`)
	tag            = regexp.MustCompile(`<[^>]+>`)
	clockRe        = regexp.MustCompile(`\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}|\d{2}:\d{2}:\d{2}`)
	// Identifiers with digits: subnet-…, jr_…, application_…, G.2X.
	idRe  = regexp.MustCompile(`[A-Za-z][A-Za-z_.]*[-_.][0-9A-Za-z_.-]*\d[0-9A-Za-z_-]*`)
	numRe = regexp.MustCompile(`\d+(?:\.\d+)?`)
)

// jsonNumbers collects every number in a JSON document: its numeric
// leaves (and their value in GiB and MiB, the units the pages print
// bytes in) and the numbers written inside its strings.
func jsonNumbers(v any, out *[]float64) {
	switch x := v.(type) {
	case float64:
		*out = append(*out, x, x/(1<<30), x/(1<<20), x/1e9)
	case string:
		for _, m := range numRe.FindAllString(x, -1) {
			f, _ := strconv.ParseFloat(m, 64)
			*out = append(*out, f)
		}
	case []any:
		for _, e := range x {
			jsonNumbers(e, out)
		}
	case map[string]any:
		for _, e := range x {
			jsonNumbers(e, out)
		}
	}
}

// summaryAgrees checks that every number, clock time and identifier the
// HTML summary shows is in the JSON report: a number as printed equals a
// JSON value rounded to the digits printed.
func summaryAgrees(t *testing.T, name string, page, doc []byte) {
	t.Helper()
	sec := summarySection.Find(page)
	if sec == nil {
		t.Errorf("%s.html has no summary section", name)
		return
	}
	text := html.UnescapeString(tag.ReplaceAllString(string(sec), " "))
	var root any
	if err := json.Unmarshal(doc, &root); err != nil {
		t.Fatalf("%s.json: %v", name, err)
	}
	var nums []float64
	jsonNumbers(root, &nums)
	js := string(doc)
	for _, c := range clockRe.FindAllString(text, -1) {
		iso := strings.Replace(c, " ", "T", 1)
		if !strings.Contains(js, iso) {
			t.Errorf("%s: the summary shows time %s, which is in no JSON timestamp", name, c)
		}
	}
	text = clockRe.ReplaceAllString(text, " ")
	for _, id := range idRe.FindAllString(text, -1) {
		if !strings.Contains(js, id) {
			t.Errorf("%s: the summary names %s, which the JSON does not", name, id)
		}
	}
	text = idRe.ReplaceAllString(text, " ")
	checked := 0
	for _, m := range numRe.FindAllString(text, -1) {
		v, _ := strconv.ParseFloat(m, 64)
		digits := 0
		if _, frac, ok := strings.Cut(m, "."); ok {
			digits = len(frac)
		}
		p := math.Pow(10, float64(digits))
		found := false
		for _, n := range nums {
			if math.Round(n*p)/p == v {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("%s: the summary shows %s, which no JSON number rounds to", name, m)
		}
		checked++
	}
	if checked < 3 {
		t.Errorf("%s: the summary shows only %d numbers: %q", name, checked, text)
	}
}
