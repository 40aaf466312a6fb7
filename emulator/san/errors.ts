// Errors of SAN operations that the admin API turns into HTTP answers: the status says whose
// fault it was (400 bad request, 404 no such thing, 409 conflicts with the current state).
export class SanOperationError extends Error {
  constructor(
    readonly status: 400 | 404 | 409,
    message: string,
  ) {
    super(message);
    this.name = 'SanOperationError';
  }
}

export function badRequest(message: string): SanOperationError {
  return new SanOperationError(400, message);
}

export function notFound(message: string): SanOperationError {
  return new SanOperationError(404, message);
}

export function conflict(message: string): SanOperationError {
  return new SanOperationError(409, message);
}
