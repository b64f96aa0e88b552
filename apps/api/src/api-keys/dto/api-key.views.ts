import { ApiProperty } from '@nestjs/swagger';

export class ApiKeyView {
  @ApiProperty({ example: 'key_01HXYZ222EEE000000000000AB' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ description: 'First characters of the key, to recognise it', example: 'csms_sk_Ab3d' })
  prefix: string;
  @ApiProperty({ type: [String] }) scopes: string[];
  @ApiProperty() created_at: string;
  @ApiProperty({ nullable: true, type: String }) last_used_at: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'User or API key that created it' }) created_by:
    string | null;
}

export class CreatedApiKeyView {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty({ description: 'The secret: returned only now, store it securely', example: 'csms_sk_...' })
  key: string;
  @ApiProperty({ type: [String] }) scopes: string[];
  @ApiProperty() created_at: string;
}

export class ApiKeyListView {
  @ApiProperty({ type: [ApiKeyView] }) data: ApiKeyView[];
  @ApiProperty() total: number;
  @ApiProperty() limit: number;
  @ApiProperty() offset: number;
}
