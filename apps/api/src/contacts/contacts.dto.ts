import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { CONTACT_CHANNELS, DATA_CATEGORIES, type ContactChannel, type DataCategory } from '@samhandling/domain';
import { IsDateOrDateTime } from '../platform/http/formats';

export class RecordContactDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() contactId: string;
  @ApiProperty({ example: '2026-11-20T09:30:00Z' }) @IsDateOrDateTime() occurredAt: string;
  @ApiProperty({ enum: CONTACT_CHANNELS }) @IsIn(CONTACT_CHANNELS) channel: ContactChannel;

  @ApiProperty({ enum: DATA_CATEGORIES, isArray: true })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(DATA_CATEGORIES.length) @IsIn(DATA_CATEGORIES, { each: true })
  categories: DataCategory[];

  @ApiProperty({ maxLength: 4000 }) @IsString() @Length(1, 4000) summary: string;

  @ApiProperty({ type: [String] })
  @IsArray() @ArrayMaxSize(50) @IsString({ each: true }) @Length(1, 500, { each: true })
  concerns: string[];

  @ApiProperty() @IsBoolean() interpreterUsed: boolean;
  @ApiPropertyOptional({ example: 'ti' }) @IsOptional() @IsString() @Length(2, 50) interpreterLanguage?: string;
}
