import express from 'express';

// The token, revoke and introspection endpoints need a few short fields; a small limit keeps
// floods cheap (N1, N2). `extended: false` never builds objects from `x[y]=z` (IO-13).
const LIMIT = '10kb';
const PARAMETER_LIMIT = 50;

export const parseForm = express.urlencoded({ extended: false, limit: LIMIT, parameterLimit: PARAMETER_LIMIT });
export const parseJson = express.json({ limit: LIMIT, strict: true });
