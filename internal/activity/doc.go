// Package activity takes in the bureau's activity data (work-group message metadata, app usage
// and public-account statistics, read by package ingest) and keeps it as daily rollups per
// group, person, unit, app and account, which the burden index and the dashboards read.
//
// A batch (one file or one API request) is ingested in one transaction under the id its sender
// gave it: a batch that is sent again, after a crash or a timeout, finds its id taken and counts
// nothing twice. Within a batch a message seen twice counts once (by the platform's message id
// when there is one, otherwise by group, sender, time, kind and text). Rows that cannot be
// attributed (unknown or ambiguous group, malformed or future time) are rejected and reported
// with row, column and reason; a message whose sender is not in the directory is kept, since its
// recipients still received it, and counted as from an unknown sender.
//
// Message text is classified in memory into package classify's flags and then dropped; only when
// the bureau turns on raw storage are per-message rows kept (and their text only with text
// storage on as well, DESIGN Principle 4). Parsing, classifying and aggregating run on every core;
// only the rollups, a few hundred thousand rows at most for a month of a province, are written.
package activity
