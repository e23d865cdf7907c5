// Tests read the services found by global-setup.ts; nothing here may log a secret.
process.env.NODE_ENV ??= 'test';
