package sparklog

import (
	"math"
	"path"
	"strconv"
	"strings"
)

// rollingDirPrefix starts the directory name of a rolling event log
// (spark.eventLog.rolling.enabled, Spark 3.0+).
const rollingDirPrefix = "eventlog_v2_"

// Files of the Spark ≤ 1.2 directory layout: one directory per application
// holding the log and zero-byte marker files.
const (
	legacyLog      = "EVENT_LOG_1"
	legacyVersion  = "SPARK_VERSION_"
	legacyCodec    = "COMPRESSION_CODEC_"
	legacyComplete = "APPLICATION_COMPLETE"
)

// RollingGroup reports whether key is a part of a multi-file event log, and
// which. A rolling log directory (Spark 3.0+) holds
// "…/eventlog_v2_<appId>/events_<n>_<appId>[.<codec>]" (order n, ".compact"
// files too) and the status file "…/appstatus_<appId>[.inprogress]" (ordered
// last; its .inprogress suffix means the application still runs). A Spark
// ≤ 1.2 directory holds EVENT_LOG_1 with the markers SPARK_VERSION_<v> and
// COMPRESSION_CODEC_<c> (ordered first) and APPLICATION_COMPLETE (last).
// group is the directory key; the pipeline reads the parts in order as one
// stream.
func RollingGroup(key string) (group string, order int, ok bool) {
	dir, file := path.Split(key)
	dir = strings.TrimSuffix(dir, "/")
	if dir != "" {
		switch {
		case file == legacyLog:
			return dir, 1, true
		case strings.HasPrefix(file, legacyVersion) || strings.HasPrefix(file, legacyCodec):
			return dir, 0, true
		case file == legacyComplete:
			return dir, 2, true
		}
	}
	appID, isRolling := strings.CutPrefix(path.Base(dir), rollingDirPrefix)
	if !isRolling || appID == "" || dir == "" {
		return "", 0, false
	}
	if rest, isStatus := strings.CutPrefix(file, "appstatus_"); isStatus {
		if rest == appID || rest == appID+".inprogress" {
			return dir, math.MaxInt, true
		}
		return "", 0, false
	}
	rest, isEvents := strings.CutPrefix(file, "events_")
	if !isEvents {
		return "", 0, false
	}
	num, tail, found := strings.Cut(rest, "_")
	if !found {
		return "", 0, false
	}
	n, err := strconv.Atoi(num)
	if err != nil || n < 0 {
		return "", 0, false
	}
	if tail != appID && !strings.HasPrefix(tail, appID+".") {
		return "", 0, false
	}
	return dir, n, true
}

// nameAppID derives an application id from an object key when the log has
// no SparkListenerApplicationStart: the rolling directory's app id, else the
// file name without .inprogress, .compact and codec suffixes.
func nameAppID(key string) string {
	base := path.Base(key)
	for _, name := range []string{base, path.Base(path.Dir(key))} {
		if id, ok := strings.CutPrefix(name, rollingDirPrefix); ok && id != "" {
			return id
		}
	}
	for {
		trimmed := base
		for _, suf := range []string{".inprogress", ".compact", ".zstd", ".zst", ".lz4", ".lzf", ".snappy", ".gz"} {
			trimmed = strings.TrimSuffix(trimmed, suf)
		}
		if trimmed == base {
			return base
		}
		base = trimmed
	}
}
