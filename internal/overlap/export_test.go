package overlap

// The external tests (package overlap_test, which builds demo bureaus: demo imports analyze,
// which imports this package) reach these internals through here.
var (
	Intersect = intersect
	Measure   = measure
	SortPairs = sortPairs
)
