package metricfilter

import (
	"strconv"
	"strings"

	"github.com/trailkit/trailkit/internal/jsontree"
)

// MetricValue is what a metric filter publishes for each matching log
// event (PutMetricFilter's metricTransformations[].metricValue): a
// constant such as "1", or a selector such as "$.latency" whose field must
// be a JSON number. The zero value publishes 1.
type MetricValue struct {
	src   string
	field cond // the selector when src starts with '$'
	num   float64
	isSel bool
}

// ParseMetricValue parses a metric value: a decimal number or a selector.
// Anything else is a *SyntaxError.
func ParseMetricValue(s string) (MetricValue, error) {
	v := MetricValue{src: s}
	t := strings.TrimSpace(s)
	if strings.HasPrefix(t, "$") {
		// A selector alone: parse it as the left side of "IS NULL".
		c := compiler{p: &Pattern{}, s: t + " IS NULL"}
		if _, err := c.cond(); err != nil {
			return MetricValue{}, &SyntaxError{s, err.(*SyntaxError).Offset, err.(*SyntaxError).Msg}
		}
		if c.i != len(c.s) {
			return MetricValue{}, &SyntaxError{s, len(t), "text after the selector"}
		}
		v.field, v.isSel = c.p.conds[0], true
		return v, nil
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || !numberText(t) {
		return MetricValue{}, &SyntaxError{s, 0, "a metric value is a number or a selector ($.field)"}
	}
	v.num = f
	return v, nil
}

// String returns the metric value as written ("1" for the zero value).
func (v MetricValue) String() string {
	if v.src == "" {
		return "1"
	}
	return v.src
}

// Value returns the value published for a matching log event. It is false
// when the selector's field is missing or not a number: CloudWatch Logs
// publishes nothing then.
func (v MetricValue) Value(e *LogEvent) (float64, bool) {
	if !v.isSel {
		if v.src == "" {
			return 1, true
		}
		return v.num, true
	}
	if !e.ok {
		return 0, false
	}
	n := v.field.resolve(&e.doc)
	if n < 0 || e.doc.Kind(n) != jsontree.Number {
		return 0, false
	}
	return e.doc.Float(n), true
}
