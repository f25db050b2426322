package metricfilter

import (
	"errors"
	"fmt"
	"iter"
	"math"
	"strings"
	"time"

	"github.com/trailkit/trailkit/event"
)

// Statistic is how an alarm reduces a period's published values to one
// datapoint.
type Statistic string

// The statistics.
const (
	Sum         Statistic = "Sum"
	SampleCount Statistic = "SampleCount"
	Average     Statistic = "Average"
	Minimum     Statistic = "Minimum"
	Maximum     Statistic = "Maximum"
)

// Comparison is how a datapoint is compared with the threshold; a datapoint
// for which it holds is breaching.
type Comparison string

// The comparisons.
const (
	GreaterThanOrEqualToThreshold Comparison = "GreaterThanOrEqualToThreshold"
	GreaterThanThreshold          Comparison = "GreaterThanThreshold"
	LessThanThreshold             Comparison = "LessThanThreshold"
	LessThanOrEqualToThreshold    Comparison = "LessThanOrEqualToThreshold"
)

// MissingData is how an alarm treats a period without a datapoint.
type MissingData string

// The treatments of missing data.
const (
	// Missing: missing datapoints are left out; when every period of the
	// window is missing the state is INSUFFICIENT_DATA.
	Missing MissingData = "missing"
	// NotBreaching: a missing datapoint counts as within the threshold.
	NotBreaching MissingData = "notBreaching"
	// Breaching: a missing datapoint counts as breaching.
	Breaching MissingData = "breaching"
	// Ignore: missing datapoints are left out; when every period of the
	// window is missing the state does not change.
	Ignore MissingData = "ignore"
)

// State is an alarm state.
type State string

// The alarm states.
const (
	StateOK               State = "OK"
	StateAlarm            State = "ALARM"
	StateInsufficientData State = "INSUFFICIENT_DATA"
)

// Alarm is a CloudWatch metric alarm on a metric filter's metric
// (PutMetricAlarm's fields). Zero fields take the defaults documented on
// them.
type Alarm struct {
	// Name is the alarm's name; default the filter's name.
	Name string
	// Filter publishes the metric.
	Filter Filter
	// Statistic reduces a period's values; default Sum.
	Statistic Statistic
	// Period is the length of a datapoint's period, a whole number of
	// seconds; default 5 minutes.
	Period time.Duration
	// Threshold is compared with each datapoint.
	Threshold float64
	// Comparison decides breaching; default GreaterThanOrEqualToThreshold.
	Comparison Comparison
	// EvaluationPeriods is the number of most recent periods evaluated;
	// default 1.
	EvaluationPeriods int
	// DatapointsToAlarm is how many of them must breach for ALARM (M out of
	// N); default EvaluationPeriods.
	DatapointsToAlarm int
	// TreatMissingData says what a period without datapoint counts as;
	// default Missing.
	TreatMissingData MissingData
}

// ErrAlarm matches every invalid alarm definition with errors.Is.
var ErrAlarm = errors.New("metricfilter: invalid alarm")

func (a Alarm) resolved() (Alarm, error) {
	if a.Name == "" {
		a.Name = a.Filter.Name
	}
	bad := func(msg string) (Alarm, error) { return a, fmt.Errorf("%w %q: %s", ErrAlarm, a.Name, msg) }
	if a.Filter.Pattern == nil {
		return bad("no filter pattern")
	}
	if a.Statistic == "" {
		a.Statistic = Sum
	}
	if a.Period == 0 {
		a.Period = 5 * time.Minute
	}
	if a.Comparison == "" {
		a.Comparison = GreaterThanOrEqualToThreshold
	}
	if a.EvaluationPeriods == 0 {
		a.EvaluationPeriods = 1
	}
	if a.DatapointsToAlarm == 0 {
		a.DatapointsToAlarm = a.EvaluationPeriods
	}
	if a.TreatMissingData == "" {
		a.TreatMissingData = Missing
	}
	switch {
	case a.Period < time.Second || a.Period%time.Second != 0:
		return bad("the period is not a positive whole number of seconds")
	case a.EvaluationPeriods < 1 || a.DatapointsToAlarm < 1 || a.DatapointsToAlarm > a.EvaluationPeriods:
		return bad("need 1 <= datapoints to alarm <= evaluation periods")
	case math.IsNaN(a.Threshold) || math.IsInf(a.Threshold, 0):
		return bad("the threshold is not a finite number")
	}
	switch a.Statistic {
	case Sum, SampleCount, Average, Minimum, Maximum:
	default:
		return bad("unknown statistic " + string(a.Statistic))
	}
	switch a.Comparison {
	case GreaterThanOrEqualToThreshold, GreaterThanThreshold, LessThanThreshold, LessThanOrEqualToThreshold:
	default:
		return bad("unknown comparison " + string(a.Comparison))
	}
	switch a.TreatMissingData {
	case Missing, NotBreaching, Breaching, Ignore:
	default:
		return bad("unknown missing-data treatment " + string(a.TreatMissingData))
	}
	return a, nil
}

// Transition is a change of an alarm's state.
type Transition struct {
	Alarm string
	// Time is the end of the newest period of the window whose evaluation
	// changed the state.
	Time     time.Time
	From, To State
	// Value is the newest period's datapoint, NaN when it is missing.
	Value float64
	// Reason describes the evaluation in one sentence.
	Reason string
	// Records are the eventIDs of the records that published to the
	// breaching datapoints of the window, in the order they were added (at
	// most 20 per period); set for transitions to ALARM only.
	Records []string
}

// maxCauses bounds the record ids kept per alarm and period.
const maxCauses = 20

type datapoint struct {
	n        int
	sum      float64
	min, max float64
	causes   []string
}

type alarmRun struct {
	Alarm
	points []datapoint // one per period from start
}

// Evaluate replays records through alarms over [start, end) and returns
// each change of an alarm's state. Each alarm's periods start at start;
// records whose eventTime is outside [start, end) are ignored, and the
// others may come in any order (CloudTrail log files are not ordered).
// An invalid alarm, or end not after start, is an error matching ErrAlarm,
// returned before any record is read. A record that cannot be encoded (an
// invalid raw JSON member) publishes nothing; Evaluate then returns the
// transitions together with an error naming the first such record.
//
// Every alarm starts in INSUFFICIENT_DATA and is evaluated at the end of
// each of its periods; the transitions are in time order (for equal times,
// in alarm order). At each period the window is the EvaluationPeriods most
// recent periods (periods before start are missing); each is breaching,
// not breaching or missing (after TreatMissingData turns missing into one
// of the others for NotBreaching and Breaching). The state is then ALARM
// if at least DatapointsToAlarm periods breach; else INSUFFICIENT_DATA
// (Missing) or unchanged (Ignore) if every period is missing; else OK.
func Evaluate(alarms []Alarm, start, end time.Time, records iter.Seq[*event.Record]) ([]Transition, error) {
	e, err := newEvaluator(alarms, start, end)
	if err != nil {
		return nil, err
	}
	bad := 0
	var first error
	for r := range seqOrEmpty(records) {
		if err := e.add(r); err != nil {
			if bad++; first == nil {
				first = err
			}
		}
	}
	out := e.transitions()
	if first != nil {
		return out, fmt.Errorf("metricfilter: %d records published nothing: %w", bad, first)
	}
	return out, nil
}

func seqOrEmpty[T any](s iter.Seq[T]) iter.Seq[T] {
	if s == nil {
		return func(func(T) bool) {}
	}
	return s
}

// evaluator holds the alarms' datapoints.
type evaluator struct {
	start, end time.Time
	runs       []alarmRun
	ev         LogEvent
}

func newEvaluator(alarms []Alarm, start, end time.Time) (*evaluator, error) {
	if !end.After(start) {
		return nil, fmt.Errorf("%w: end %s is not after start %s", ErrAlarm, end, start)
	}
	e := &evaluator{start: start, end: end}
	for _, a := range alarms {
		a, err := a.resolved()
		if err != nil {
			return nil, err
		}
		n := int((end.Sub(start) + a.Period - 1) / a.Period)
		e.runs = append(e.runs, alarmRun{Alarm: a, points: make([]datapoint, n)})
	}
	return e, nil
}

// add publishes the record to every alarm's metric.
func (e *evaluator) add(r *event.Record) error {
	t := r.EventTime
	if t.Before(e.start) || !t.Before(e.end) {
		return nil
	}
	if err := e.ev.setRecord(r); err != nil {
		return err
	}
	for i := range e.runs {
		run := &e.runs[i]
		f := &run.Filter
		var v float64
		matched := f.Pattern.MatchEvent(&e.ev)
		switch {
		case matched:
			var ok bool
			if v, ok = f.Value.Value(&e.ev); !ok {
				continue
			}
		case f.DefaultValue != nil:
			v = *f.DefaultValue
		default:
			continue
		}
		p := &run.points[int(t.Sub(e.start)/run.Period)]
		if p.n == 0 || v < p.min {
			p.min = v
		}
		if p.n == 0 || v > p.max {
			p.max = v
		}
		p.n++
		p.sum += v
		if matched && len(p.causes) < maxCauses {
			p.causes = append(p.causes, r.EventID)
		}
	}
	return nil
}

func (a *Alarm) value(p *datapoint) float64 {
	if p.n == 0 {
		return math.NaN()
	}
	switch a.Statistic {
	case SampleCount:
		return float64(p.n)
	case Average:
		return p.sum / float64(p.n)
	case Minimum:
		return p.min
	case Maximum:
		return p.max
	}
	return p.sum
}

func (a *Alarm) breaches(v float64) bool {
	switch a.Comparison {
	case GreaterThanThreshold:
		return v > a.Threshold
	case LessThanThreshold:
		return v < a.Threshold
	case LessThanOrEqualToThreshold:
		return v <= a.Threshold
	}
	return v >= a.Threshold
}

// transitions evaluates every alarm at the end of each of its periods
// (see Evaluate).
func (e *evaluator) transitions() []Transition {
	type cursor struct {
		run   *alarmRun
		state State
	}
	var out []Transition
	cs := make([]cursor, len(e.runs))
	for i := range e.runs {
		cs[i] = cursor{&e.runs[i], StateInsufficientData}
	}
	// Merge the alarms' period ends in time order.
	next := make([]int, len(e.runs))
	for {
		best := -1
		var bt time.Time
		for i := range cs {
			if next[i] >= len(cs[i].run.points) {
				continue
			}
			t := e.start.Add(time.Duration(next[i]+1) * cs[i].run.Period)
			if best < 0 || t.Before(bt) {
				best, bt = i, t
			}
		}
		if best < 0 {
			return out
		}
		c := &cs[best]
		k := next[best]
		next[best]++
		a := &c.run.Alarm
		breach, present := 0, 0
		var vals []string
		for j := k - a.EvaluationPeriods + 1; j <= k; j++ {
			v := math.NaN()
			if j >= 0 {
				v = a.value(&c.run.points[j])
			}
			switch {
			case !math.IsNaN(v):
				present++
				if a.breaches(v) {
					breach++
				}
				vals = append(vals, fmt.Sprint(v))
			case a.TreatMissingData == Breaching:
				breach++
				vals = append(vals, "missing (breaching)")
			case a.TreatMissingData == NotBreaching:
				vals = append(vals, "missing (not breaching)")
			default:
				vals = append(vals, "missing")
			}
		}
		state := StateOK
		switch {
		case breach >= a.DatapointsToAlarm:
			state = StateAlarm
		case present == 0 && a.TreatMissingData == Missing:
			state = StateInsufficientData
		case present == 0 && a.TreatMissingData == Ignore:
			state = c.state
		}
		if state == c.state {
			continue
		}
		tr := Transition{
			Alarm: a.Name, Time: bt, From: c.state, To: state, Value: a.value(&c.run.points[k]),
			Reason: fmt.Sprintf("%d of the last %d datapoints [%s] breach %s %v (%d needed)",
				breach, a.EvaluationPeriods, strings.Join(vals, ", "), a.Comparison, a.Threshold, a.DatapointsToAlarm),
		}
		if state == StateAlarm {
			for j := max(0, k-a.EvaluationPeriods+1); j <= k; j++ {
				p := &c.run.points[j]
				if v := a.value(p); !math.IsNaN(v) && a.breaches(v) {
					tr.Records = append(tr.Records, p.causes...)
				}
			}
		}
		c.state = state
		out = append(out, tr)
	}
}
