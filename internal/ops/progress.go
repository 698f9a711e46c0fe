package ops

// Progress hears how a long operation advances. The window shows it as a
// dialog with a bar and a Cancel button, the command line as lines on a
// terminal: one model, several printers. Report is called on the
// operation's goroutine and must return quickly.
type Progress interface {
	Report(Status)
}

// Status is where an operation stands: the stage it is in and how many of
// the stage's units are done. Total is 0 when the stage cannot tell.
type Status struct {
	Stage       Stage
	Done, Total int
}

// Stage names a step of a long operation. Its value is the English text
// shown for it and the key of the translation catalogs.
type Stage string

// The stages of the operations.
const (
	StageLoad     Stage = "Reading the handbook"
	StageRender   Stage = "Laying out the pages"
	StageRecord   Stage = "Recording the printout"
	StageSend     Stage = "Sending to the printer"
	StageRead     Stage = "Reading the file"
	StageCompare  Stage = "Comparing with the handbook"
	StageSave     Stage = "Saving"
	StageSync     Stage = "Synchronising with the shared folder"
	StageSnapshot Stage = "Writing a snapshot for new laptops"
	StageBackup   Stage = "Writing a backup"
)

// report tells p, if there is one.
func report(p Progress, s Stage, done, total int) {
	if p != nil {
		p.Report(Status{Stage: s, Done: done, Total: total})
	}
}
