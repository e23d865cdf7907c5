import escapeHtml from 'escape-html';

// The one escaper of every page: a value reaches HTML only through it.
export { escapeHtml };
