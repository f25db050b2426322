package trail

import (
	"errors"
	"fmt"
	"strings"
)

// Exception is the name of a CloudTrail service exception. It is an error,
// so errors.Is(err, InvalidEventSelectorsException) reports whether a
// validation error contains a problem of that exception.
type Exception string

func (e Exception) Error() string { return string(e) }

// The exceptions Validate reports.
const (
	InvalidEventSelectorsException       Exception = "InvalidEventSelectorsException"
	InvalidInsightSelectorsException     Exception = "InvalidInsightSelectorsException"
	InvalidTrailNameException            Exception = "InvalidTrailNameException"
	InvalidParameterCombinationException Exception = "InvalidParameterCombinationException"
	InvalidS3PrefixException             Exception = "InvalidS3PrefixException"
	InvalidSnsTopicNameException         Exception = "InvalidSnsTopicNameException"
	InvalidKmsKeyIdException             Exception = "InvalidKmsKeyIdException"
)

// Problem is one rule a trail breaks.
type Problem struct {
	// Exception is the exception CloudTrail raises for this problem.
	Exception Exception
	// Rule is a short stable identifier of the rule, such as
	// "TrailNameTooShort" or "DataResourceValue"; tests and tools key on it.
	Rule string
	// Path locates the offending member in the Trail's JSON, such as
	// "AdvancedEventSelectors[1].FieldSelectors[0].Equals[2]"; "" for the trail.
	Path string
	// Message is the service's message where it is known (ServiceMessage
	// true, the exact string), otherwise trailkit's own wording.
	Message string
	// ServiceMessage reports whether Message is CloudTrail's exact text.
	ServiceMessage bool
}

func (p Problem) Error() string {
	if p.Path == "" {
		return fmt.Sprintf("%s: %s", p.Exception, p.Message)
	}
	return fmt.Sprintf("%s: %s: %s", p.Exception, p.Path, p.Message)
}

// Is reports whether target is p's Exception.
func (p Problem) Is(target error) bool {
	e, ok := target.(Exception)
	return ok && e == p.Exception
}

// ValidationError is every problem Validate found, in a fixed order (trail
// settings, basic selectors, advanced selectors, insight selectors; within
// each, in document order). errors.Is(err, ErrInvalidTrail) and
// errors.Is(err, <Exception>) work on it.
type ValidationError struct {
	Problems []Problem
}

// ErrInvalidTrail matches every *ValidationError with errors.Is.
var ErrInvalidTrail = errors.New("trail: invalid trail configuration")

func (e *ValidationError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "trail: %d problem(s)", len(e.Problems))
	for _, p := range e.Problems {
		b.WriteString("\n\t")
		b.WriteString(p.Error())
	}
	return b.String()
}

// Is makes errors.Is(err, ErrInvalidTrail) true.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalidTrail }

// Unwrap returns the problems, so errors.Is finds each Exception.
func (e *ValidationError) Unwrap() []error {
	out := make([]error, len(e.Problems))
	for i, p := range e.Problems {
		out[i] = p
	}
	return out
}

// Has reports whether any problem has the rule id.
func (e *ValidationError) Has(rule string) bool {
	for _, p := range e.Problems {
		if p.Rule == rule {
			return true
		}
	}
	return false
}
