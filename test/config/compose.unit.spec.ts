import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const compose = readFileSync('docker-compose.yml', 'utf8');
const service = (name: string) => compose.split(/\n {2}(?=[\w.]+:\n)/).find((block) => block.startsWith(`${name}:`)) ?? '';

describe('docker-compose.yml', () => {
  it('requires no variable for the whole file, so `docker compose up -d eventstore.db` runs without API_TOKEN', () => {
    // Compose checks ${VAR:?…} and ${VAR?…} while reading the file, whichever services are started.
    expect(compose).not.toMatch(/\$\{\w+:?\?/);
    expect(service('app')).toMatch(/\n\s+- API_TOKEN\n/);
  });

  it('health-checks the app on /health as well as EventStoreDB', () => {
    expect(service('eventstore.db')).toContain('healthcheck:');
    expect(service('app')).toMatch(/healthcheck:\n\s+#.*\n\s+test: \[.*127\.0\.0\.1:3000\/health/);
  });
});
