/**
 * Every answer of the service is this envelope. `code` is 200 on success and a
 * stable error code (see `errors.ts`) otherwise; authing-js-sdk returns `data`
 * when `code === 200` and throws the whole object otherwise.
 */
export interface Envelope<T = unknown> {
  code: number;
  message: string;
  data: T;
}

export const OK_CODE = 200;
