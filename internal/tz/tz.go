// Package tz holds the time zone users live in. Times are stored in UTC and shown, and calendar
// dates are taken, in Asia/Shanghai.
package tz

import "time"

// Shanghai is China Standard Time. The fixed zone is a fallback for systems without tzdata;
// China has had no daylight saving since 1991, so it gives the same answers.
var Shanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}()

// Today is the current calendar date in Shanghai, as midnight UTC of that date (how dates are
// stored).
func Today() time.Time {
	y, m, d := time.Now().In(Shanghai).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
