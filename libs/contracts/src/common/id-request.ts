import { IsUUID } from 'class-validator';

/** A request naming one entity by its UUID. */
export class IdRequest {
  @IsUUID('all', { message: 'id must be a UUID' })
  id: string;
}
