import Type from 'typebox';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './load-config.ts';

const schema = Type.Object({
  PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 8080, description: 'HTTP port' }),
  HOST: Type.String({ default: '127.0.0.1' }),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  API_TOKEN: Type.String({ minLength: 1, description: 'the token' }),
});

describe('loadConfig', () => {
  it('fills defaults and converts numbers', () => {
    expect(loadConfig(schema, { PORT: '9090', API_TOKEN: 't', UNRELATED: 'x' })).toEqual({
      PORT: 9090,
      HOST: '127.0.0.1',
      API_TOKEN: 't',
    });
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig(schema, { PORT: '', API_TOKEN: 't' }).PORT).toBe(8080);
  });

  it('names every wrong or missing variable in one error', () => {
    let error: unknown;
    try {
      loadConfig(schema, { PORT: 'eighty', DATABASE_URL: 'mysql://x' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(3);
    expect(problems.find((line) => line.startsWith('PORT'))).toContain('"eighty"');
    expect(problems.find((line) => line.startsWith('DATABASE_URL'))).toContain('"mysql://x"');
    expect(problems).toContain('API_TOKEN is required: the token');
  });
});
