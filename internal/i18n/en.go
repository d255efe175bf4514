package i18n

// en maps Chinese interface text to English.
var en = map[string]string{}
