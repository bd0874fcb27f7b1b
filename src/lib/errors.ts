/** Thrown for input that breaks the contract; `field` names the offending field (e.g. `amount.value`). */
export class FieldError extends TypeError {
  override name = 'FieldError';
  constructor(
    readonly field: string,
    problem: string,
  ) {
    super(`${field} ${problem}`);
  }
}
