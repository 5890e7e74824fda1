import { LoggerService, LogLevel } from '@nestjs/common';
import { RequestContext } from '../context/request-context';
import { redactSecrets } from './redact';

const LEVELS: LogLevel[] = ['verbose', 'debug', 'log', 'warn', 'error', 'fatal'];
const LEVEL_NAMES: Record<LogLevel, string> = {
  verbose: 'trace',
  debug: 'debug',
  log: 'info',
  warn: 'warn',
  error: 'error',
  fatal: 'fatal',
};

/**
 * One JSON object a line on stdout: time, level, service, message, the request id of the unit of
 * work in progress, and an object of context. Secret-looking keys are redacted.
 */
export class JsonLogger implements LoggerService {
  private minLevel: number;

  constructor(
    private readonly service: string,
    level: LogLevel = 'log',
    private readonly write: (line: string) => void = (line) => process.stdout.write(line + '\n'),
  ) {
    this.minLevel = LEVELS.indexOf(level);
  }

  setLogLevels(levels: LogLevel[]): void {
    this.minLevel = Math.min(...levels.map((l) => LEVELS.indexOf(l)));
  }

  log(message: unknown, ...rest: unknown[]): void {
    this.emit('log', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.emit('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.emit('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.emit('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.emit('verbose', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.emit('fatal', message, rest);
  }

  private emit(level: LogLevel, message: unknown, rest: unknown[]): void {
    if (LEVELS.indexOf(level) < this.minLevel) return;
    // Nest passes (message, context) or (message, stack, context); Proctor code passes (message, fields, context).
    const context = typeof rest[rest.length - 1] === 'string' ? (rest.pop() as string) : undefined;
    const line: Record<string, unknown> = {
      time: new Date().toISOString(),
      level: LEVEL_NAMES[level],
      service: this.service,
    };
    if (context) line.context = context;
    const ctx = RequestContext.current();
    if (ctx?.requestId) line.request_id = ctx.requestId;
    if (ctx?.messageId) line.message_id = ctx.messageId;
    if (message instanceof Error) {
      line.msg = message.message;
      line.stack = message.stack;
    } else if (typeof message === 'object' && message !== null) {
      Object.assign(line, redactSecrets(message));
    } else {
      line.msg = String(message);
    }
    for (const extra of rest) {
      if (typeof extra === 'string') line.stack = extra;
      else if (extra instanceof Error) line.error = { message: extra.message, stack: extra.stack };
      else if (extra && typeof extra === 'object') Object.assign(line, redactSecrets(extra));
    }
    this.write(JSON.stringify(line));
  }
}
