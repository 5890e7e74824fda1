import { EnvReader } from './env-reader';

/**
 * Values that have a fallback only good for development (secrets, passwords): each one taken is
 * remembered, so that the app can announce them loudly at start.
 */
export class DevelopmentDefaults {
  readonly used: string[] = [];

  constructor(private readonly env: EnvReader) {}

  string(name: string, developmentValue: string): string {
    const value = this.env.optionalString(name);
    if (value !== undefined) return value;
    this.used.push(name);
    return developmentValue;
  }
}
