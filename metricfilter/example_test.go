package metricfilter_test

import (
	"errors"
	"fmt"

	"github.com/trailkit/trailkit/metricfilter"
)

// Match log events against the CIS filter for console sign-in without MFA,
// and report a bad pattern's position.
func Example() {
	p, err := metricfilter.Compile(`{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }`)
	if err != nil {
		panic(err)
	}
	var e metricfilter.LogEvent
	for _, msg := range []string{
		`{"eventName":"ConsoleLogin","additionalEventData":{"MFAUsed":"No"}}`,
		`{"eventName":"ConsoleLogin","additionalEventData":{"MFAUsed":"Yes"}}`,
		`{"eventName":"ConsoleLogin"}`,
	} {
		if err := e.SetMessage([]byte(msg)); err != nil {
			panic(err)
		}
		fmt.Println(p.MatchEvent(&e))
	}
	_, err = metricfilter.Compile(`{ $.errorCode = "AccessDenied" && }`)
	var se *metricfilter.SyntaxError
	fmt.Println(errors.As(err, &se), se.Offset)
	// Output:
	// true
	// false
	// false
	// true 34
}
