import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'proctor:isPublic';

/** Marks a route that needs no bearer token (token issue, machine protocols with their own credentials). */
export const Public = () => SetMetadata(IS_PUBLIC, true);
