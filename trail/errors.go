package trail

import (
	"errors"
	"fmt"
	"strings"
)

// The exceptions CloudTrail raises for the rules Validate checks; a
// Problem's Exception is one of them.
const (
	invalidEventSelectorsException       = "InvalidEventSelectorsException"
	invalidInsightSelectorsException     = "InvalidInsightSelectorsException"
	invalidTrailNameException            = "InvalidTrailNameException"
	invalidParameterCombinationException = "InvalidParameterCombinationException"
	invalidS3PrefixException             = "InvalidS3PrefixException"
	invalidSnsTopicNameException         = "InvalidSnsTopicNameException"
	invalidKmsKeyIdException             = "InvalidKmsKeyIdException"
)

// Problem is one rule a trail breaks.
type Problem struct {
	// Exception is the name of the exception CloudTrail raises for this
	// problem: InvalidEventSelectorsException,
	// InvalidInsightSelectorsException, InvalidTrailNameException,
	// InvalidParameterCombinationException, InvalidS3PrefixException,
	// InvalidSnsTopicNameException or InvalidKmsKeyIdException.
	Exception string
	// Rule is a short stable identifier of the rule, such as
	// "TrailNameTooShort" or "DataResourceValue" (the package documentation
	// lists them); tests and tools key on it.
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

func (p Problem) String() string {
	if p.Path == "" {
		return fmt.Sprintf("%s: %s", p.Exception, p.Message)
	}
	return fmt.Sprintf("%s: %s: %s", p.Exception, p.Path, p.Message)
}

// ErrInvalidTrail is what every *ValidationError matches with errors.Is:
// Validate found a rule the trail breaks, or Compile was given a trail with
// both selector kinds.
var ErrInvalidTrail = errors.New("trail: invalid trail configuration")

// ValidationError is every problem Validate found, in a fixed order (trail
// settings, basic selectors, advanced selectors, insight selectors; within
// each, in document order). errors.Is(err, ErrInvalidTrail) is true for it.
type ValidationError struct {
	Problems []Problem
}

func (e *ValidationError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "trail: %d problem(s)", len(e.Problems))
	for _, p := range e.Problems {
		b.WriteString("\n\t")
		b.WriteString(p.String())
	}
	return b.String()
}

// Unwrap returns ErrInvalidTrail.
func (e *ValidationError) Unwrap() error { return ErrInvalidTrail }
