/** Every failure of the WBXML codec and of the XML form is one of these. */
export class WbxmlError extends Error {
  override readonly name = 'WbxmlError';
  /** Byte offset in the WBXML input (decode), or -1 when the error is not about input bytes. */
  readonly offset: number;

  constructor(message: string, offset = -1) {
    super(offset >= 0 ? `${message} at byte ${offset}` : message);
    this.offset = offset;
  }
}

/** Errors of the XML form; `line` and `column` are 1-based. */
export class XmlFormError extends Error {
  override readonly name = 'XmlFormError';
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`${message} at line ${line}, column ${column}`);
  }
}
