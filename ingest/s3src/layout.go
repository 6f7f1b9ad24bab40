package s3src

import (
	"strings"
	"time"
)

// level is how deep a folder sits in the AWS log-delivery layout
// <prefix>/AWSLogs/[o-ORG/]ACCOUNT/SERVICE/REGION/YYYY/MM/DD/.
type level int

const (
	levelNone    level = iota // not under AWSLogs/
	levelLogs                 // AWSLogs/ or AWSLogs/o-ORG/: children are accounts (or org ids)
	levelAccount              // AWSLogs/[o-ORG/]ACCOUNT/
	levelService              // .../ACCOUNT/CloudTrail/ (or CloudTrail-Digest/, CloudTrail-Insight/, other services)
	levelRegion               // .../CloudTrail/REGION/
	levelYear                 // .../REGION/YYYY/
	levelMonth                // .../REGION/YYYY/MM/
	levelDay                  // .../REGION/YYYY/MM/DD/ and anything deeper
)

const (
	serviceCloudTrail = "CloudTrail"
	serviceDigest     = "CloudTrail-Digest"
	serviceInsight    = "CloudTrail-Insight"
)

// layout is what a folder path says about its place in the layout.
type layout struct {
	level   level
	org     string
	account string
	service string
	region  string
	date    []string // YYYY, MM, DD as far as present
}

// parseFolders reads folder names (no file name) against the layout. The
// first folder named AWSLogs anchors it; everything above is the trail's
// own key prefix.
func parseFolders(folders []string) layout {
	i := -1
	for j, f := range folders {
		if f == "AWSLogs" {
			i = j
			break
		}
	}
	if i < 0 {
		return layout{level: levelNone}
	}
	rest := folders[i+1:]
	var l layout
	if len(rest) > 0 && strings.HasPrefix(rest[0], "o-") {
		l.org = rest[0]
		rest = rest[1:]
	}
	l.level = levelLogs + level(min(len(rest), int(levelDay-levelLogs)))
	if len(rest) > 0 {
		l.account = rest[0]
	}
	if len(rest) > 1 {
		l.service = rest[1]
	}
	if len(rest) > 2 {
		l.region = rest[2]
	}
	if len(rest) > 3 {
		l.date = rest[3:min(len(rest), 6)]
	}
	return l
}

// folderLayout parses a prefix that ends with "/" (or is empty).
func folderLayout(prefix string) layout {
	return parseFolders(splitFolders(prefix))
}

// keyLayout parses the folders of an object key.
func keyLayout(key string) layout {
	folders := strings.Split(key, "/")
	return parseFolders(folders[:len(folders)-1])
}

func splitFolders(prefix string) []string {
	prefix = strings.TrimSuffix(prefix, "/")
	if prefix == "" {
		return nil
	}
	return strings.Split(prefix, "/")
}

// day returns the date of a day folder, if the layout has a valid one.
func (l layout) day() (time.Time, bool) {
	if len(l.date) < 3 {
		return time.Time{}, false
	}
	t, err := time.Parse("2006/01/02", strings.Join(l.date, "/"))
	return t, err == nil
}

// window is the range of CloudTrail day folders to list: delivery days
// from the day before From to the day after the day holding To (exclusive),
// because files are named by delivery time and may hold older records,
// and a record near midnight may be delivered the next day.
type window struct {
	first, last time.Time // day folders, inclusive; zero when unbounded
}

const day = 24 * time.Hour

func newWindow(from, to time.Time) window {
	var w window
	if !from.IsZero() {
		w.first = from.UTC().Truncate(day).Add(-day)
	}
	if !to.IsZero() {
		w.last = to.UTC().Add(-time.Nanosecond).Truncate(day).Add(day)
	}
	return w
}

func (w window) set() bool     { return !w.first.IsZero() || !w.last.IsZero() }
func (w window) bounded() bool { return !w.first.IsZero() && !w.last.IsZero() }

func (w window) holds(d time.Time) bool {
	if !w.first.IsZero() && d.Before(w.first) {
		return false
	}
	if !w.last.IsZero() && d.After(w.last) {
		return false
	}
	return true
}

// days lists the day folders "YYYY/MM/DD/" of a bounded window.
func (w window) days() []string {
	var out []string
	for d := w.first; !d.After(w.last); d = d.Add(day) {
		out = append(out, d.Format("2006/01/02/"))
	}
	return out
}
