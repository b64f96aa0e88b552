import { Module } from '@nestjs/common';
import { IdTagsController } from './id-tags.controller';
import { IdTagsService } from './id-tags.service';

@Module({ controllers: [IdTagsController], providers: [IdTagsService], exports: [IdTagsService] })
export class IdTagsModule {}
