import { describe, expect, it } from 'vitest';
import { webhookUrlProblem } from './webhook-url.ts';

describe('a webhook URL', () => {
  it('is https, or http to this machine only', () => {
    expect(webhookUrlProblem('https://bank.example/pronto/alerts?team=sales')).toBeNull();
    expect(webhookUrlProblem('http://127.0.0.1:8099/alerts')).toBeNull();
    expect(webhookUrlProblem('http://localhost/alerts')).toBeNull();
    expect(webhookUrlProblem('http://[::1]:9000/')).toBeNull();
    expect(webhookUrlProblem('http://bank.example/alerts')).toMatch(/https/);
    expect(webhookUrlProblem('http://10.0.0.7/alerts')).toMatch(/https/);
    expect(webhookUrlProblem('http://127.0.0.1.bank.example/')).toMatch(/https/);
    expect(webhookUrlProblem('ftp://bank.example/')).toMatch(/https/);
  });

  it('is absolute and carries no credentials', () => {
    expect(webhookUrlProblem('/alerts')).toMatch(/absolute/);
    expect(webhookUrlProblem('https://user:pass@bank.example/alerts')).toMatch(/password/);
  });
});
