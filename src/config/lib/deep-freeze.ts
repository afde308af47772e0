// The loaded configuration is shared by every call in the process; freezing it makes an
// accidental write throw in strict mode instead of changing another tenant's behaviour.
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}
