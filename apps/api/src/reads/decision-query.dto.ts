import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, Matches } from 'class-validator';
import { DATA_CATEGORIES, PURPOSES, type DataCategory, type Purpose } from '@samhandling/domain';

export class DecisionQueryDto {
  @IsIn(PURPOSES) purpose: Purpose;
  @Matches(/^[a-z0-9][a-z0-9-]{1,62}$/, { message: 'owner must be an agency id' }) owner: string;

  @Transform(({ value }) => (typeof value === 'string' ? value.split(',').map((c) => c.trim()).filter(Boolean) : value))
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(DATA_CATEGORIES.length) @IsIn(DATA_CATEGORIES, { each: true })
  categories: DataCategory[];
}
