package sheet

// Options choose how an import treats a file; orgio and catalogio take the same two.
type Options struct {
	// DryRun applies everything inside the transaction and then rolls it back, so the report's
	// counts and errors (including those only the database finds, such as scope violations) are
	// exactly those of a real import, and nothing is written.
	DryRun bool
	// ValidOnly writes the rows that pass and skips the others, along with the rows that depend
	// on them (each importer says which). Without it, one bad row means nothing is written.
	ValidOnly bool
}

// Counts say what an import did, or would do, with the rows of one sheet. Created + Updated +
// Unchanged + Failed = Rows.
type Counts struct {
	Rows      int `json:"rows"`
	Created   int `json:"created"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
	Failed    int `json:"failed"`
}
