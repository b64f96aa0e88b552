import {
  BadRequestException,
  CallHandler,
  ExecutionContext,
  Inject,
  Injectable,
  NestInterceptor,
  PayloadTooLargeException,
} from '@nestjs/common';
import { Observable, catchError, throwError } from 'rxjs';
import { APP_CONFIG, AppConfig, Problems } from '@csms/common';
import { documentTooLarge } from './site-owners.service';

/** Sits outside the multipart interceptor and gives its errors our stable codes. */
@Injectable()
export class UploadErrorsInterceptor implements NestInterceptor {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      catchError((err: unknown) =>
        throwError(() => {
          if (err instanceof PayloadTooLargeException) return documentTooLarge(this.config);
          if (err instanceof BadRequestException && err.constructor === BadRequestException) {
            return Problems.badRequest(
              'invalid_multipart',
              `Send one file in the multipart field "file" (${err.message})`,
            );
          }
          return err;
        }),
      ),
    );
  }
}
