import { registerDecorator, ValidationOptions } from 'class-validator';

const MAX_ENTRIES = 64;

/** A flat map of short string keys to short string values (labels). */
export function IsStringMap(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isStringMap',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: `${String(propertyName)} must map at most ${MAX_ENTRIES} keys to strings of at most 256 characters`, ...options },
      validator: {
        validate(value: unknown) {
          if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
          const entries = Object.entries(value);
          return (
            entries.length <= MAX_ENTRIES &&
            entries.every(([k, v]) => k.length > 0 && k.length <= 64 && typeof v === 'string' && v.length <= 256)
          );
        },
      },
    });
}
