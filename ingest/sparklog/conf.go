package sparklog

import (
	"fmt"
	"strconv"
	"strings"
)

// appConf is what spark_apps keeps from "Spark Properties". Only explicitly
// set values appear there; unset ones stay nil (the version default applies).
type appConf struct {
	glueJobName, glueJobRunID *string
	shufflePartitions         *int32
	ioCodec                   *string
	adaptive, coalesce, skew  *bool
	advisoryBytes             *int64
	executorCores             *int32
	executorMemory            *string
	problems                  []string
}

func parseConf(props map[string]string) appConf {
	var c appConf
	str := func(k string) *string {
		if v, ok := props[k]; ok {
			return &v
		}
		return nil
	}
	c.glueJobName = str("spark.glue.JOB_NAME")
	c.glueJobRunID = str("spark.glue.JOB_RUN_ID")
	c.ioCodec = str("spark.io.compression.codec")
	c.executorMemory = str("spark.executor.memory")
	c.shufflePartitions = c.int32(props, "spark.sql.shuffle.partitions")
	c.executorCores = c.int32(props, "spark.executor.cores")
	c.adaptive = c.bool(props, "spark.sql.adaptive.enabled")
	c.coalesce = c.bool(props, "spark.sql.adaptive.coalescePartitions.enabled")
	c.skew = c.bool(props, "spark.sql.adaptive.skewJoin.enabled")
	for _, k := range []string{"spark.sql.adaptive.advisoryPartitionSizeInBytes", "spark.sql.adaptive.shuffle.targetPostShuffleInputSize"} {
		v, ok := props[k]
		if !ok {
			continue
		}
		n, err := ByteString(v)
		if err != nil {
			c.problems = append(c.problems, fmt.Sprintf("Spark property %s: %v", k, err))
			continue
		}
		c.advisoryBytes = &n
		break
	}
	return c
}

func (c *appConf) int32(props map[string]string, k string) *int32 {
	v, ok := props[k]
	if !ok {
		return nil
	}
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 32)
	if err != nil {
		c.problems = append(c.problems, fmt.Sprintf("Spark property %s=%q is not an integer", k, v))
		return nil
	}
	v32 := int32(n)
	return &v32
}

func (c *appConf) bool(props map[string]string, k string) *bool {
	v, ok := props[k]
	if !ok {
		return nil
	}
	switch b := strings.ToLower(strings.TrimSpace(v)); b {
	case "true", "false":
		t := b == "true"
		return &t
	}
	c.problems = append(c.problems, fmt.Sprintf("Spark property %s=%q is not a boolean", k, v))
	return nil
}

// ByteString converts a Spark size string ("64MB", "64m", "1g", "512k",
// "67108864") to bytes as Spark's JavaUtils.byteStringAsBytes does: binary
// multiples, case-insensitive suffixes b, k/kb, m/mb, g/gb, t/tb, p/pb, no
// suffix meaning bytes.
func ByteString(s string) (int64, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	i := 0
	for i < len(t) && t[i] >= '0' && t[i] <= '9' {
		i++
	}
	if i == 0 {
		return 0, fmt.Errorf("size %q does not start with a number", s)
	}
	n, err := strconv.ParseInt(t[:i], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("size %q: %w", s, err)
	}
	shift := map[string]uint{"": 0, "b": 0, "k": 10, "kb": 10, "m": 20, "mb": 20, "g": 30, "gb": 30, "t": 40, "tb": 40, "p": 50, "pb": 50}
	sh, ok := shift[strings.TrimSpace(t[i:])]
	if !ok {
		return 0, fmt.Errorf("size %q has an unknown unit", s)
	}
	if n > (1<<63-1)>>sh {
		return 0, fmt.Errorf("size %q overflows", s)
	}
	return n << sh, nil
}
